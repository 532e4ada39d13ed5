-- land_uses_purpose (purpose_code) serves no query: land uses are read by parcel
-- (land_uses_parcel_purpose), reports aggregate whole tables, and the catalogue's purpose columns
-- are per-parcel subqueries. Every land use written paid for it: inserting 115,000 land uses (the
-- land uses of a 100,000-parcel submission) into a table of two million took 0.40-0.45 s with it
-- and 0.26-0.28 s without (docs/performance.md, ingest). A query by purpose would want its own
-- index, shaped for that query.
drop index if exists land.land_uses_purpose;

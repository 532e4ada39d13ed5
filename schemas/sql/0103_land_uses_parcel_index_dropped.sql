-- land_uses_parcel (parcel_id) repeats the leading column of land_uses_parcel_purpose
-- (parcel_id, purpose_code), which serves every lookup by parcel (the foreign key's cascade,
-- the land uses of a parcel) as well. Each land use written paid for both: about 0.2 s per
-- 100,000-parcel submission (docs/performance.md, ingest).
drop index if exists land.land_uses_parcel;

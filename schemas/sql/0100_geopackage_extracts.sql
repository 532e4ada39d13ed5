-- GeoPackage (OGC 12-128r18) as a third extract format, and the CRS an extract's geometries are
-- written in: null is the default (CRS84, what GeoJSON must use); GeoPackage files may ask for
-- another CRS the API serves (VN-2000 TM-3 for the cadastral GIS users).
alter table extraction.jobs drop constraint jobs_format_check;
alter table extraction.jobs add constraint jobs_format_check check (format in ('geojson', 'csv', 'gpkg'));
alter table extraction.jobs add column crs text;

alter table special_sharing.requests drop constraint requests_extract_format_check;
alter table special_sharing.requests add constraint requests_extract_format_check check (extract_format in ('geojson', 'csv', 'gpkg'));

-- VN-2000 / TM-3 106-15 (EPSG:9212), the cadastral CRS of the former Binh Phuoc province.
-- PostGIS 3.3 ships without EPSG:9205-9218. Registered with the official VN-2000 -> WGS 84
-- 7-parameter transformation (QD 05/2007/QD-BTNMT, EPSG:6960), in PROJ's position-vector
-- (+towgs84) form. Rotation signs are easy to get wrong: a test compares this definition with
-- PROJ's own EPSG:9212 at control points.
insert into spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
values (
  9212, 'EPSG', 9212,
  'PROJCS["VN-2000 / TM-3 106-15",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",106.25],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9212"]]',
  '+proj=tmerc +lat_0=0 +lon_0=106.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'
)
on conflict (srid) do nothing;

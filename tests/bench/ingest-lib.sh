# Sourced by the benchmark scripts (tests/bench/run, tests/bench/ingest-ab): what an ingest
# comparison needs besides tests/bench/ingest.sh. Needs psql_bench (psql on the bench database).

# ingest_file OFFSET FILE N: the first N parcels of the database as one GeoJSON submission in the
# exchange structure (EPSG:9212), on new sheets (their sheet + OFFSET), so all new parcels.
ingest_file() {
  psql_bench -qAtc "
select json_build_object('type','FeatureCollection','crs',json_build_object('type','name','properties',json_build_object('name','urn:ogc:def:crs:EPSG::9212')),
 'features', json_agg(json_build_object('type','Feature','id',p.id,'geometry',ST_AsGeoJSON(p.geom,2,0)::json,
   'properties', json_build_object('commune_code',p.commune_code,'map_sheet',p.map_sheet+$1,'parcel_no',p.parcel_no,'area_m2',p.area_m2,
      'registered_on',p.registered_on,'land_uses',(select json_agg(json_strip_nulls(json_build_object('purpose_code',u.purpose_code,'area_m2',u.area_m2,'long_term',u.long_term,'use_until',u.use_until,'origin_code',u.origin_code,'is_main',u.is_main)) order by u.id) from land.land_uses u where u.parcel_id=p.id)))))
from (select * from land.parcels where id <= $3 order by id) p" >"$2"
}

# ingest_prepare SCRATCH: what tests/bench/ingest.sh is given besides the hub and the file:
# ogr_pg (ogr2ogr's connection to the bench database), postmaster (the cluster's pid, for
# PostgreSQL's CPU), and INGEST_SETTLE, run before each load. Each load starts from a settled
# database: what the seed and the previous load wrote vacuumed and checkpointed, as in a database
# in service, instead of autovacuum running beside the load timed. The report facts are brought up
# to date first, as the hub's facts worker does and under its lock: otherwise the worker's refresh
# after the previous load (a whole rebuild when a load adds more than a fifth of the parcels) can
# fall into the next one (docs/performance.md, ingest). Needs CLUSTER_PORT, CLUSTER_PASSWORD and
# CLUSTER_DIR (start_cluster).
ingest_prepare() {
  ogr_pg="PG:host=127.0.0.1 port=$CLUSTER_PORT user=datahub password=$CLUSTER_PASSWORD dbname=bench"
  postmaster=$(as_cluster_owner head -n 1 "$CLUSTER_DIR/postmaster.pid")
  cat >"$1/settle.sql" <<'SQL'
begin isolation level repeatable read;
select pg_advisory_xact_lock(hashtext('reports.rebuild_facts'));
set local work_mem = '256MB';
select reports.refresh_facts();
commit;
vacuum (analyze);
checkpoint;
SQL
  export INGEST_SETTLE="psql -h 127.0.0.1 -p $CLUSTER_PORT -U datahub -d bench -v ON_ERROR_STOP=1 -q -f '$1/settle.sql'"
}

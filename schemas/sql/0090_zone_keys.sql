-- Natural keys for planning zones and price zones, so that a submission can say which zone it
-- updates or retires (issue #5). Until now both tables had only a surrogate id.
--
-- Planning zone: (plan_code, zone_code). zone_code is the zone's code within its plan (the
-- "khoanh" of the plan's map and table); one plan is one approving decision.
-- Price zone: (price_table, zone_code, position). A provincial price table (bảng giá đất) lists,
-- per land type, road segments or zones as rows and positions (vị trí 1..n) as columns: zone_code
-- names the row within the table (e.g. annex and row number, which fixes the land type and the
-- segment), position the column. One price per (table, row, position).

alter table land.planning_zones add column zone_code text check (zone_code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$');
alter table land.price_zones add column zone_code text check (zone_code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$');
-- History keeps versions written before the key existed: nullable there.
alter table history.land_planning_zones add column zone_code text;
alter table history.land_price_zones add column zone_code text;

-- Backfill with deterministic codes. Writing a derived key is not a new version of a zone: the
-- history trigger is off for the backfill. The change feed stays on, so incremental readers
-- (and enabled outbox routes) receive the zones with their new property.
alter table land.planning_zones disable trigger keep_version_on_update;
alter table land.price_zones disable trigger keep_version_on_update;

-- A plan's zones in a unit: <unit_code>-001, -002, ... in the order they were written (id).
-- Unit codes are digits, so the code is unique within the plan.
update land.planning_zones z
set zone_code = n.unit_code || '-' || lpad(n.rn::text, 3, '0')
from (select id, unit_code, row_number() over (partition by plan_code, unit_code order by id) as rn
      from land.planning_zones) n
where n.id = z.id;

-- A price table's rows in a unit: one code per (land type, road, segment), numbered in the order
-- the rows were first written; the positions of a row share its code. A row that would repeat a
-- (table, code, position) already taken keeps its own id as code (ID<id>) rather than collide.
with segments as (
  select price_table, unit_code, land_type_code, road_name, segment_from, segment_to,
         row_number() over (partition by price_table, unit_code order by min(id)) as rn
  from land.price_zones
  group by price_table, unit_code, land_type_code, road_name, segment_from, segment_to),
coded as (
  select p.id, s.unit_code || '-' || lpad(s.rn::text, 3, '0') as code,
         row_number() over (partition by p.price_table, s.unit_code, s.rn, p.position order by p.id) as nth
  from land.price_zones p
  join segments s on (s.price_table, s.unit_code, s.land_type_code) = (p.price_table, p.unit_code, p.land_type_code)
                 and s.road_name is not distinct from p.road_name
                 and s.segment_from is not distinct from p.segment_from
                 and s.segment_to is not distinct from p.segment_to)
update land.price_zones p
set zone_code = case when c.nth = 1 then c.code else 'ID' || p.id end
from coded c
where c.id = p.id;

alter table land.planning_zones enable trigger keep_version_on_update;
alter table land.price_zones enable trigger keep_version_on_update;

-- Earlier versions of a zone that still exists carry its code, so its history reads by key.
update history.land_planning_zones h set zone_code = z.zone_code from land.planning_zones z where z.id = h.id;
update history.land_price_zones h set zone_code = z.zone_code from land.price_zones z where z.id = h.id;

alter table land.planning_zones alter column zone_code set not null,
  add constraint planning_zones_natural_key unique (plan_code, zone_code);
alter table land.price_zones alter column zone_code set not null,
  add constraint price_zones_natural_key unique (price_table, zone_code, position);

-- The key is public: the default-shared views and the catalogue show it (new view columns go last).
create or replace view sharing.planning_zones as
  select id, plan_code, plan_kind, planned_purpose_code, period_from, period_to, unit_code, approved_by, valid_from as updated_at, geom,
         zone_code
  from land.planning_zones;

create or replace view sharing.price_zones as
  select id, price_table, land_type_code, road_name, segment_from, segment_to, position, price_per_m2,
         effective_from, effective_to, unit_code, valid_from as updated_at, geom,
         zone_code
  from land.price_zones;

update catalog.dataset_fields set position = position + 1 where dataset_id in ('planning-zones', 'price-zones') and position >= 2;
insert into catalog.dataset_fields (dataset_id, name, column_name, type, sensitivity, title_vi, title_en, queryable, sortable, code_list, position) values
  ('planning-zones', 'zone_code', 'zone_code', 'string', 'public', 'Mã khoanh vùng', 'Zone code (within the plan)', true, true, null, 2),
  ('price-zones', 'zone_code', 'zone_code', 'string', 'public', 'Mã đoạn, vùng trong bảng giá', 'Zone or segment code (within the price table)', true, true, null, 2);

-- Submissions name the exchange structure version their records follow (the async worker
-- validates later against the same one). Earlier submissions were all v1.
alter table submissions.submissions add column structure text not null default 'v1' check (structure ~ '^v[1-9][0-9]{0,3}$');

-- The catalogue links the two datasets to v2, the structure with the key; v1 stays published.
update catalog.datasets set schema_uri = '/api/v1/schemas/' || id || '/v2' where id in ('planning-zones', 'price-zones');

-- The dataset catalogue: what the hub publishes, field by field with its sensitivity. The OGC
-- API collections, the queryables and the CSV columns all come from these rows, and SQL
-- identifiers are taken only from here. Default-shared datasets read from views in the
-- sharing schema, which never select a personal column.
create schema if not exists catalog;
create schema if not exists sharing;

create table catalog.datasets (
  id                text primary key check (id ~ '^[a-z][a-z0-9-]*$'),
  title_vi          text not null,
  title_en          text not null,
  description_vi    text not null,
  description_en    text not null,
  publisher         text not null,
  sharing_mode      text not null check (sharing_mode in ('default', 'special-request')),
  update_frequency  text not null,          -- DCAT frequency: daily, weekly, monthly, annual, irregular
  source_relation   text not null,          -- view or table read for the collection
  source_tables     regclass[] not null,    -- the tables whose changes change the dataset
  key_column        text not null,
  key_type          text not null check (key_type in ('integer', 'string')),
  geometry_column   text,                   -- null: a non-spatial collection
  geometry_type     text,
  storage_srid      int,
  temporal_column   text,                   -- what the datetime parameter filters
  schema_uri        text,                   -- the exchange structure (JSON Schema)
  terms_of_use      text not null,
  keywords          text[] not null default '{}',
  position          int not null
);

create table catalog.dataset_fields (
  dataset_id    text not null references catalog.datasets on delete cascade,
  name          text not null check (name ~ '^[a-z_][a-z0-9_]*$'),
  column_name   text not null check (column_name ~ '^[a-z_][a-z0-9_]*$'),
  type          text not null check (type in ('string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'geometry', 'string-array')),
  sensitivity   text not null check (sensitivity in ('public', 'internal', 'personal')),
  title_vi      text not null,
  title_en      text not null,
  queryable     boolean not null default true,
  sortable      boolean not null default true,
  code_list     text references ref.code_lists,
  position      int not null,
  primary key (dataset_id, name)
);

-- Default-shared views: public columns only.
-- Purposes are scalar subqueries, not joins: a query that does not read them (a count, a page
-- of ids) does not pay for them, because the view is flattened and unused columns dropped.
create view sharing.parcels as
  select p.id, p.commune_code, p.map_sheet, p.parcel_no, p.area_m2, p.legal_area_m2, p.address,
         p.old_commune_code, p.old_map_sheet, p.old_parcel_no, p.registered_on,
         (select lu.purpose_code from land.land_uses lu where lu.parcel_id = p.id and lu.is_main order by lu.id limit 1) as main_purpose_code,
         array(select lu.purpose_code from land.land_uses lu where lu.parcel_id = p.id order by lu.is_main desc, lu.id) as purpose_codes,
         p.valid_from as updated_at,
         p.geom
  from land.parcels p;

create view sharing.planning_zones as
  select id, plan_code, plan_kind, planned_purpose_code, period_from, period_to, unit_code, approved_by, valid_from as updated_at, geom
  from land.planning_zones;

create view sharing.price_zones as
  select id, price_table, land_type_code, road_name, segment_from, segment_to, position, price_per_m2,
         effective_from, effective_to, unit_code, valid_from as updated_at, geom
  from land.price_zones;

create view sharing.admin_units as
  select id, code, name, level, parent_code, valid_from, valid_to, boundary as geom
  from ref.admin_units;

create view sharing.land_statistics as
  select unit_code || ':' || purpose_code || ':' || user_type_code || ':' || year as id,
         unit_code, purpose_code, user_type_code, year, area_m2, source, valid_from as updated_at
  from land.statistics;

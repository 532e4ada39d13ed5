-- Land statistics computed from the land database (forms 01/TKKK, 02/TKKK, 03/TKKK) for any
-- date and for old or new administrative units. The reports read only through these functions,
-- so the "as at" rule and the unit mapping are written once, in SQL, and tested against sums
-- computed independently.
create schema if not exists reports;

-- The groups the forms total by. Labels are data like every code; "check" as in 0007.
insert into ref.code_lists (list_id, title_vi, title_en, source_document) values
  ('land_use_group', 'Nhóm đất', 'Land groups', 'Luật Đất đai 2024 Điều 9'),
  ('land_user_group', 'Nhóm đối tượng sử dụng, quản lý đất', 'Land users and land managers', 'TT 08/2024/TT-BTNMT Biểu 01/TKKK (check)');
insert into ref.codes (list_id, code, label_vi, label_en, valid_from, source_document, note) values
  ('land_use_group', 'NNP', 'Nhóm đất nông nghiệp', 'Agricultural land', '1990-01-01', 'Luật Đất đai 2024 Điều 9', null),
  ('land_use_group', 'PNN', 'Nhóm đất phi nông nghiệp', 'Non-agricultural land', '1990-01-01', 'Luật Đất đai 2024 Điều 9', null),
  ('land_use_group', 'CSD', 'Nhóm đất chưa sử dụng', 'Unused land', '1990-01-01', 'Luật Đất đai 2024 Điều 9', null),
  ('land_user_group', 'NSD', 'Người sử dụng đất', 'Land users', '1990-01-01', 'TT 08/2024/TT-BTNMT', 'check'),
  ('land_user_group', 'NQL', 'Người được giao quản lý đất', 'Land managers', '1990-01-01', 'TT 08/2024/TT-BTNMT', 'check');
update ref.codes set parent_code = case code when 'UBQ' then 'NQL' else 'NSD' end
where list_id = 'land_user_type' and parent_code is null;

-- The order of the lines and columns of the forms (the order of TT 08/2024 Annex II); codes
-- without a position follow in alphabetical order.
create table reports.code_positions (
  list_id   text not null references ref.code_lists,
  code      text not null,
  position  int not null,
  primary key (list_id, code)
);
insert into reports.code_positions (list_id, code, position)
select 'land_use_purpose', code, ordinality
from unnest(array['LUC', 'LUK', 'HNK', 'CLN', 'RDD', 'RPH', 'RSX', 'NTS', 'CNT', 'LMU', 'NKH',
                  'ONT', 'ODT', 'TSC', 'CQP', 'CAN', 'DVH', 'DXH', 'DYT', 'DGD', 'DTT', 'DKH', 'DNG', 'DSK',
                  'SKK', 'SKN', 'TMD', 'SKC', 'SKS', 'DGT', 'DTL', 'DDD', 'DDT', 'DDL', 'DKV', 'DSH', 'DNL', 'DBV',
                  'DCH', 'DRA', 'DPC', 'DCK', 'TON', 'TIN', 'NTD', 'SON', 'MNC', 'PNK', 'BCS', 'DCS', 'NCS']) with ordinality code
union all
select 'land_user_type', code, ordinality
from unnest(array['GDC', 'CNV', 'HGD', 'CNN', 'TKT', 'TVN', 'TCN', 'TSN', 'TTG', 'CDS', 'TKH', 'UBQ']) with ordinality code
union all
select 'land_use_group', code, ordinality from unnest(array['NNP', 'PNN', 'CSD']) with ordinality code
union all
select 'land_user_group', code, ordinality from unnest(array['NSD', 'NQL']) with ordinality code;

-- Today in the province (the hub's clock may run in UTC).
create function reports.today() returns date
language sql stable as $$ select (now() at time zone 'Asia/Ho_Chi_Minh')::date $$;

-- "As at the end of day D" is the instant the next day starts in the province.
create function reports.end_of_day(p_on date) returns timestamptz
language sql immutable as $$ select (p_on + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh' $$;

-- The land as at the end of p_on: one row per land use of every parcel registered by then.
--
-- Two clocks meet here. registered_on is when a parcel came into being; valid_from/valid_to
-- (history) are when the hub recorded each version. A parcel's state at D is its version
-- valid at the end of D, with one rule for records the hub learnt of later (a legacy cadastre
-- loaded in 2026 describes land that existed in 2024): before its first recorded version, a
-- parcel is as first recorded. Its land uses and users are taken at that same instant, so a
-- purpose changed or a parcel retired after D is counted as it was; a parcel retired before D
-- is not counted; a land use added after the first recording is not counted before it.
--
-- The parcel's land-user type is that of its first user link (lowest id) at that instant.
-- Reading user_type_code crosses into the personal schema; only the type code leaves this
-- function, never a name or a number.
create function reports.land_at(p_on date, p_ids bigint[] default null)
returns table (parcel_id bigint, commune_code text, old_commune_code text, purpose_code text, area_m2 numeric,
               user_type_code text)
language sql stable as $$
  with first_recorded as (
    select id, min(valid_from) as since from history.land_parcels
    where p_ids is null or id = any(p_ids) group by id
  ),
  parcel_versions as (
    select p.id, p.commune_code, p.old_commune_code, p.registered_on, p.valid_from, null::timestamptz as valid_to,
           greatest(reports.end_of_day(p_on), least(p.valid_from, f.since)) as at
    from land.parcels p left join first_recorded f on f.id = p.id
    where p_ids is null or p.id = any(p_ids)
    union all
    select h.id, h.commune_code, h.old_commune_code, h.registered_on, h.valid_from, h.valid_to,
           greatest(reports.end_of_day(p_on), f.since)
    from history.land_parcels h join first_recorded f on f.id = h.id
    where h.valid_from < h.valid_to and (p_ids is null or h.id = any(p_ids))
  ),
  parcels as (
    select * from parcel_versions
    where registered_on <= p_on and valid_from <= at and (valid_to is null or at < valid_to)
  ),
  uses as (
    select parcel_id, purpose_code, area_m2, valid_from, null::timestamptz as valid_to from land.land_uses
    where p_ids is null or parcel_id = any(p_ids)
    union all
    select parcel_id, purpose_code, area_m2, valid_from, valid_to from history.land_land_uses
    where valid_from < valid_to and (p_ids is null or parcel_id = any(p_ids))
  ),
  links as (
    select id, parcel_id, land_user_id, role, valid_from, null::timestamptz as valid_to from land.parcel_users
    where p_ids is null or parcel_id = any(p_ids)
    union all
    select id, parcel_id, land_user_id, role, valid_from, valid_to from history.land_parcel_users
    where valid_from < valid_to and (p_ids is null or parcel_id = any(p_ids))
  ),
  users as (
    select id, user_type_code, valid_from, null::timestamptz as valid_to from personal.land_users
    union all
    select id, user_type_code, valid_from, valid_to from personal.land_users_history where valid_from < valid_to
  ),
  first_link as (
    select distinct on (p.id) p.id as parcel_id, p.at, l.land_user_id, l.role
    from parcels p
    join links l on l.parcel_id = p.id and l.valid_from <= p.at and (l.valid_to is null or p.at < l.valid_to)
    order by p.id, l.id
  ),
  first_user as (
    select fl.parcel_id, u.user_type_code
    from first_link fl
    join users u on u.id = fl.land_user_id and u.valid_from <= fl.at and (u.valid_to is null or fl.at < u.valid_to)
  )
  select p.id, p.commune_code, p.old_commune_code, u.purpose_code, u.area_m2, fu.user_type_code
  from parcels p
  join uses u on u.parcel_id = p.id and u.valid_from <= p.at and (u.valid_to is null or p.at < u.valid_to)
  left join first_user fu on fu.parcel_id = p.id
$$;

-- Every user link of every parcel registered by p_on, at the same instant as reports.land_at.
create function reports.users_at(p_on date)
returns table (parcel_id bigint, commune_code text, old_commune_code text, land_user_id bigint, user_type_code text, role text)
language sql stable as $$
  with first_recorded as (
    select id, min(valid_from) as since from history.land_parcels group by id
  ),
  parcel_versions as (
    select p.id, p.commune_code, p.old_commune_code, p.registered_on, p.valid_from, null::timestamptz as valid_to,
           greatest(reports.end_of_day(p_on), least(p.valid_from, f.since)) as at
    from land.parcels p left join first_recorded f on f.id = p.id
    union all
    select h.id, h.commune_code, h.old_commune_code, h.registered_on, h.valid_from, h.valid_to,
           greatest(reports.end_of_day(p_on), f.since)
    from history.land_parcels h join first_recorded f on f.id = h.id
    where h.valid_from < h.valid_to
  ),
  parcels as (
    select * from parcel_versions
    where registered_on <= p_on and valid_from <= at and (valid_to is null or at < valid_to)
  ),
  links as (
    select id, parcel_id, land_user_id, role, valid_from, null::timestamptz as valid_to from land.parcel_users
    union all
    select id, parcel_id, land_user_id, role, valid_from, valid_to from history.land_parcel_users where valid_from < valid_to
  ),
  users as (
    select id, user_type_code, valid_from, null::timestamptz as valid_to from personal.land_users
    union all
    select id, user_type_code, valid_from, valid_to from personal.land_users_history where valid_from < valid_to
  )
  select p.id, p.commune_code, p.old_commune_code, l.land_user_id, u.user_type_code, l.role
  from parcels p
  join links l on l.parcel_id = p.id and l.valid_from <= p.at and (l.valid_to is null or p.at < l.valid_to)
  join users u on u.id = l.land_user_id and u.valid_from <= p.at and (u.valid_to is null or p.at < u.valid_to)
$$;

-- Materialised facts: reports.land_at over a million parcels joins four tables of a million rows
-- each and took 5-10 s on the 2-core reference machine (docs/performance.md), so the current
-- state is kept as one narrow row per land use, rebuilt in the background after changes. A
-- report reads the facts and computes live only the parcels whose state at its date differs
-- from the facts: those changed since the facts were built (the change feed, against the
-- build's snapshot) and those changed after the date (history). Figures are the same either
-- way (tests compare the two paths).
call catalog.feed_changes('land.parcel_users', 'r.parcel_id');
call catalog.feed_changes('personal.land_users', 'r.id');

create table reports.land_facts (
  parcel_id        bigint not null,
  commune_code     text not null,
  old_commune_code text,
  registered_on    date not null,
  purpose_code     text not null,
  area_m2          numeric(14,1) not null,
  user_type_code   text,
  first_recorded   timestamptz not null,   -- the parcel's first version in the hub
  settled_at       timestamptz not null    -- the latest valid_from of its current rows (parcel, land uses, links, users)
);
create index land_facts_parcel on reports.land_facts (parcel_id);
-- Parcels whose current state began after their first recording: the only ones whose state on
-- an earlier date may differ without a trace in history (a land use or a user link added).
create index land_facts_changed on reports.land_facts (settled_at) where settled_at > first_recorded;

-- One row: the snapshot the facts were built in. No row: never built, every report is live.
create table reports.facts_state (
  singleton  boolean primary key default true check (singleton),
  snapshot   pg_snapshot not null,
  built_at   timestamptz not null,
  parcels    bigint not null,
  seconds    numeric not null
);

-- Rebuilds the facts in the caller's transaction, which must be REPEATABLE READ so that the
-- recorded snapshot is the one the facts were read in.
create function reports.rebuild_facts() returns bigint
language plpgsql as $$
declare started timestamptz := clock_timestamp(); n bigint;
begin
  if current_setting('transaction_isolation') <> 'repeatable read' then
    raise exception 'reports.rebuild_facts() needs a repeatable read transaction';
  end if;
  delete from reports.land_facts;
  insert into reports.land_facts
  with first_link as (
    select distinct on (parcel_id) parcel_id, land_user_id, valid_from from land.parcel_users order by parcel_id, id
  ),
  link_times as (select parcel_id, max(valid_from) as at from land.parcel_users group by parcel_id),
  use_times as (select parcel_id, max(valid_from) as at from land.land_uses group by parcel_id),
  first_recorded as (select id, min(valid_from) as since from history.land_parcels group by id)
  select p.id, p.commune_code, p.old_commune_code, p.registered_on, lu.purpose_code, lu.area_m2, u.user_type_code,
         least(p.valid_from, f.since),
         greatest(p.valid_from, ut.at, lt.at, u.valid_from)
  from land.parcels p
  join land.land_uses lu on lu.parcel_id = p.id
  join use_times ut on ut.parcel_id = p.id
  left join first_link fl on fl.parcel_id = p.id
  left join link_times lt on lt.parcel_id = p.id
  left join personal.land_users u on u.id = fl.land_user_id
  left join first_recorded f on f.id = p.id;
  get diagnostics n = row_count;
  delete from reports.facts_state;
  insert into reports.facts_state (snapshot, built_at, parcels, seconds)
  values (pg_current_snapshot(), now(), (select count(distinct parcel_id) from reports.land_facts),
          extract(epoch from clock_timestamp() - started));
  return n;
end
$$;

-- Parcels changed since the facts were built: their facts row may be stale.
create function reports.changed_since_facts() returns setof bigint
language sql stable as $$
  with s as (select snapshot from reports.facts_state),
  changes as (
    select c.table_name, c.row_key from catalog.changes c, s
    where c.table_name = any(array['land.parcels', 'land.land_uses', 'land.parcel_users', 'personal.land_users']::regclass[])
      and c.txid >= pg_snapshot_xmin(s.snapshot) and not pg_visible_in_snapshot(c.txid, s.snapshot)
  )
  select row_key::bigint from changes where table_name <> 'personal.land_users'::regclass
  union
  select pu.parcel_id from changes c join land.parcel_users pu on pu.land_user_id = c.row_key::bigint
  where c.table_name = 'personal.land_users'::regclass
  union
  select pu.parcel_id from changes c join history.land_parcel_users pu on pu.land_user_id = c.row_key::bigint
  where c.table_name = 'personal.land_users'::regclass
$$;

-- Parcels whose state at the end of p_on may differ from their current state: a version ended
-- after that instant (history), or a current row began after it and after the first recording.
create function reports.changed_after(p_on date) returns setof bigint
language sql stable as $$
  select id from history.land_parcels where valid_to > reports.end_of_day(p_on)
  union
  select parcel_id from history.land_land_uses where valid_to > reports.end_of_day(p_on)
  union
  select parcel_id from history.land_parcel_users where valid_to > reports.end_of_day(p_on)
  union
  select pu.parcel_id from personal.land_users_history h join land.parcel_users pu on pu.land_user_id = h.id
  where h.valid_to > reports.end_of_day(p_on)
  union
  select parcel_id from reports.land_facts
  where settled_at > first_recorded and settled_at > greatest(reports.end_of_day(p_on), first_recorded)
$$;

-- reports.land_at through the facts: the same rows, read from the facts where they hold and
-- computed live for the rest; entirely live while the facts were never built.
create function reports.land_fast(p_on date)
returns table (parcel_id bigint, commune_code text, old_commune_code text, purpose_code text, area_m2 numeric,
               user_type_code text)
language plpgsql stable as $$
declare live bigint[];
begin
  if not exists (select 1 from reports.facts_state) then
    return query select * from reports.land_at(p_on);
    return;
  end if;
  live := array(select reports.changed_since_facts() union select reports.changed_after(p_on));
  return query
    select f.parcel_id, f.commune_code, f.old_commune_code, f.purpose_code, f.area_m2, f.user_type_code
    from reports.land_facts f
    where f.registered_on <= p_on and f.parcel_id not in (select unnest(live))
    union all
    select * from reports.land_at(p_on, live);
end
$$;

-- Each commune code the hub knows, with the unit(s) it belongs to today (ref.successors_on).
create function reports.unit_successors()
returns table (code text, successors text[])
language sql stable as $$
  select u.code, array(select s from ref.successors_on(u.code, reports.today()) s order by s)
  from (select distinct code from ref.admin_units where level = 'commune') u
$$;

-- The report unit of a record: p_units 'old' = the commune it was registered under, or the old
-- commune its record keeps when it was registered under a post-reorganisation unit; 'new' = the
-- unit that commune belongs to today. A unit split into several: the successor whose boundary
-- holds the parcel (its latest geometry), else the first successor.
create function reports.split_successor(p_parcel bigint, p_successors text[]) returns text
language sql stable as $$
  select coalesce(
    (select u.code
     from (select geom from land.parcel_versions where id = p_parcel order by valid_from desc limit 1) p
     join ref.admin_units u on u.code = any(p_successors) and (ref.unit_at(u.code, reports.today())).id = u.id
     where ST_Intersects(u.boundary, ST_PointOnSurface(p.geom))
     order by u.code limit 1),
    p_successors[1])
$$;

-- The code and every unit under it (parent_code, across all versions).
create function reports.units_under(p_code text) returns setof text
language sql stable as $$
  with recursive under(code, depth) as (
    select p_code, 0
    union
    select u.code, d.depth + 1 from ref.admin_units u join under d on u.parent_code = d.code where d.depth < 5
  )
  select distinct code from under
$$;

-- The land by report unit (see above): the base of the three forms.
create function reports.land_by_unit(p_on date, p_units text)
returns table (parcel_id bigint, unit_code text, purpose_code text, area_m2 numeric, user_type_code text)
language sql stable as $$
  with map as (select * from reports.unit_successors())
  select l.parcel_id,
         case when p_units = 'old' then coalesce(l.old_commune_code, l.commune_code)
              when cardinality(m.successors) = 1 then m.successors[1]
              when cardinality(m.successors) > 1 then reports.split_successor(l.parcel_id, m.successors)
              else l.commune_code end,
         l.purpose_code, l.area_m2, l.user_type_code
  from reports.land_fast(p_on) l
  left join map m on m.code = l.commune_code
$$;

create function reports.users_by_unit(p_on date, p_units text)
returns table (parcel_id bigint, unit_code text, land_user_id bigint, user_type_code text, role text)
language sql stable as $$
  with map as (select * from reports.unit_successors())
  select l.parcel_id,
         case when p_units = 'old' then coalesce(l.old_commune_code, l.commune_code)
              when cardinality(m.successors) = 1 then m.successors[1]
              when cardinality(m.successors) > 1 then reports.split_successor(l.parcel_id, m.successors)
              else l.commune_code end,
         l.land_user_id, l.user_type_code, l.role
  from reports.users_at(p_on) l
  left join map m on m.code = l.commune_code
$$;

-- The stored (reported) figures of a year by report unit. Stored units are those in force on
-- 31 December of the year: 'old' keeps them; 'new' maps them to today's units. A figure of a
-- unit since split cannot be divided without its parcels: it stays under its own code.
create function reports.stored_by_unit(p_year int, p_units text)
returns table (unit_code text, purpose_code text, user_type_code text, area_m2 numeric, source text)
language sql stable as $$
  with map as (select * from reports.unit_successors())
  select case when p_units = 'new' and cardinality(m.successors) = 1 then m.successors[1] else s.unit_code end,
         s.purpose_code, s.user_type_code, s.area_m2, s.source
  from land.statistics s
  left join map m on m.code = s.unit_code
  where s.year = p_year
$$;

-- 02/TKKK counts land users by type. It read reports.users_at live: every parcel version, user
-- link and land user with their history, a million rows each at the province's size, 8.2 s per
-- report (23 s cold) where 01/TKKK reads its facts in about 1 s (docs/performance.md). The user
-- links get facts of their own, built in the same transaction as reports.land_facts and read the
-- same way: from the facts where they hold, live for the parcels that changed since the build or
-- after the report's date. Only ids and a type code are kept, never a name or a number.
create table reports.user_facts (
  parcel_id        bigint not null,
  commune_code     text not null,
  old_commune_code text,
  registered_on    date not null,
  land_user_id     bigint not null,
  user_type_code   text not null,
  role             text not null,
  first_recorded   timestamptz not null,   -- the parcel's first version in the hub
  settled_at       timestamptz not null    -- the latest valid_from of the parcel, its links and this user
);
create index user_facts_parcel on reports.user_facts (parcel_id);
create index user_facts_changed on reports.user_facts (settled_at) where settled_at > first_recorded;

-- reports.users_at, optionally for some parcels only (the live part of users_fast).
drop function reports.users_by_unit(date, text);
drop function reports.users_at(date);
create function reports.users_at(p_on date, p_ids bigint[] default null)
returns table (parcel_id bigint, commune_code text, old_commune_code text, land_user_id bigint, user_type_code text, role text)
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
  )
  select p.id, p.commune_code, p.old_commune_code, l.land_user_id, u.user_type_code, l.role
  from parcels p
  join links l on l.parcel_id = p.id and l.valid_from <= p.at and (l.valid_to is null or p.at < l.valid_to)
  join users u on u.id = l.land_user_id and u.valid_from <= p.at and (u.valid_to is null or p.at < u.valid_to)
$$;

-- reports.users_at through the facts, as reports.land_fast is reports.land_at through them.
create function reports.users_fast(p_on date)
returns table (parcel_id bigint, commune_code text, old_commune_code text, land_user_id bigint, user_type_code text, role text)
language plpgsql stable as $$
declare live bigint[];
begin
  if not exists (select 1 from reports.facts_state) then
    return query select * from reports.users_at(p_on);
    return;
  end if;
  live := array(select reports.changed_since_facts() union select reports.changed_after(p_on));
  return query
    select f.parcel_id, f.commune_code, f.old_commune_code, f.land_user_id, f.user_type_code, f.role
    from reports.user_facts f
    where f.registered_on <= p_on and f.parcel_id not in (select unnest(live))
    union all
    select * from reports.users_at(p_on, live);
end
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
  from reports.users_fast(p_on) l
  left join map m on m.code = l.commune_code
$$;

-- A parcel with user links but no land use has no land_facts row: its links added after a date
-- are found through its user facts.
create or replace function reports.changed_after(p_on date) returns setof bigint
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
  union
  select parcel_id from reports.user_facts
  where settled_at > first_recorded and settled_at > greatest(reports.end_of_day(p_on), first_recorded)
$$;

-- Writes the facts of the given parcels (null: every parcel) from their current state. The
-- caller has deleted their old facts. Each parcel is read once into a temporary table, with its
-- links' latest start and its first recording, for both kinds of facts.
create function reports.fill_facts(p_ids bigint[]) returns bigint
language plpgsql as $$
declare n bigint;
begin
  drop table if exists pg_temp.facts_parcel;
  -- Two statements rather than "p_ids is null or ...": a cached generic plan would scan every
  -- parcel for a refresh of a few.
  if p_ids is null then
    create temporary table facts_parcel on commit drop as
      with link_times as (select parcel_id, max(valid_from) as at from land.parcel_users group by parcel_id),
      first_recorded as (select id, min(valid_from) as since from history.land_parcels group by id)
      select p.id, p.commune_code, p.old_commune_code, p.registered_on, p.valid_from, lt.at as links_at,
             least(p.valid_from, f.since) as first_recorded
      from land.parcels p
      left join link_times lt on lt.parcel_id = p.id
      left join first_recorded f on f.id = p.id;
  else
    create temporary table facts_parcel on commit drop as
      select p.id, p.commune_code, p.old_commune_code, p.registered_on, p.valid_from,
             (select max(pu.valid_from) from land.parcel_users pu where pu.parcel_id = p.id) as links_at,
             least(p.valid_from, (select min(h.valid_from) from history.land_parcels h where h.id = p.id)) as first_recorded
      from land.parcels p where p.id = any(p_ids);
  end if;
  analyze facts_parcel;

  insert into reports.land_facts
  with first_link as (
    select distinct on (parcel_id) parcel_id, land_user_id from land.parcel_users
    where parcel_id in (select id from facts_parcel) order by parcel_id, id
  ),
  use_times as (
    select parcel_id, max(valid_from) as at from land.land_uses where parcel_id in (select id from facts_parcel) group by parcel_id
  )
  select p.id, p.commune_code, p.old_commune_code, p.registered_on, lu.purpose_code, lu.area_m2, u.user_type_code,
         p.first_recorded, greatest(p.valid_from, ut.at, p.links_at, u.valid_from)
  from facts_parcel p
  join land.land_uses lu on lu.parcel_id = p.id
  join use_times ut on ut.parcel_id = p.id
  left join first_link fl on fl.parcel_id = p.id
  left join personal.land_users u on u.id = fl.land_user_id;
  get diagnostics n = row_count;

  insert into reports.user_facts
  select p.id, p.commune_code, p.old_commune_code, p.registered_on, pu.land_user_id, u.user_type_code, pu.role,
         p.first_recorded, greatest(p.valid_from, p.links_at, u.valid_from)
  from facts_parcel p
  join land.parcel_users pu on pu.parcel_id = p.id
  join personal.land_users u on u.id = pu.land_user_id;
  return n;
end
$$;

-- Rebuilds every fact in the caller's transaction, which must be REPEATABLE READ so that the
-- recorded snapshot is the one the facts were read in.
create or replace function reports.rebuild_facts() returns bigint
language plpgsql as $$
declare started timestamptz := clock_timestamp(); n bigint;
begin
  if current_setting('transaction_isolation') <> 'repeatable read' then
    raise exception 'reports.rebuild_facts() needs a repeatable read transaction';
  end if;
  delete from reports.land_facts;
  delete from reports.user_facts;
  n := reports.fill_facts(null);
  delete from reports.facts_state;
  insert into reports.facts_state (snapshot, built_at, parcels, seconds)
  values (pg_current_snapshot(), now(), (select count(distinct parcel_id) from reports.land_facts),
          extract(epoch from clock_timestamp() - started));
  return n;
end
$$;

-- Brings the facts up to date: only the parcels changed since they were built (the same set the
-- reports compute live), unless that is more than a fifth of them or there are none yet, when
-- everything is rebuilt. A parcel's facts depend on its own rows, its links and their users, all
-- of which changed_since_facts follows, so the others' facts are still those of the new snapshot.
-- Returns the parcels refreshed, or -1 for a rebuild. REPEATABLE READ, as rebuild_facts.
create function reports.refresh_facts() returns bigint
language plpgsql as $$
declare started timestamptz := clock_timestamp(); changed bigint[]; known bigint; gone bigint;
begin
  if current_setting('transaction_isolation') <> 'repeatable read' then
    raise exception 'reports.refresh_facts() needs a repeatable read transaction';
  end if;
  select parcels into known from reports.facts_state;
  if known is not null then
    changed := array(select reports.changed_since_facts());
  end if;
  if known is null or cardinality(changed) > greatest(1000, known / 5) then
    perform reports.rebuild_facts();
    return -1;
  end if;
  select count(distinct parcel_id) into gone from reports.land_facts where parcel_id = any(changed);
  delete from reports.land_facts where parcel_id = any(changed);
  delete from reports.user_facts where parcel_id = any(changed);
  perform reports.fill_facts(changed);
  update reports.facts_state
  set snapshot = pg_current_snapshot(), built_at = now(),
      parcels = known - gone + (select count(distinct parcel_id) from reports.land_facts where parcel_id = any(changed)),
      seconds = extract(epoch from clock_timestamp() - started);
  return cardinality(changed);
end
$$;

-- The facts' readers hand the live functions an array whose null means "every parcel". After five
-- calls on one connection PostgreSQL may keep a generic plan, which cannot drop that test: it
-- scanned every parcel comparing it with each element of the array, two minutes for a 02/TKKK at
-- a million parcels once 9,000 had changed since the report's date (pooled connections make the
-- fifth call come soon). Planned with the array's value every time, it is an index lookup.
alter function reports.land_fast(date) set plan_cache_mode = force_custom_plan;
alter function reports.users_fast(date) set plan_cache_mode = force_custom_plan;

-- Reference data that changes over time (code lists, administrative units, the working-day
-- calendar) is data with validity dates, never enums. Periods are half-open:
-- [valid_from, valid_to), valid_to null = still valid.
create schema if not exists ref;

create table ref.code_lists (
  list_id     text primary key,
  title_vi    text not null,
  title_en    text not null,
  source_document text
);

create table ref.codes (
  list_id     text not null references ref.code_lists,
  code        text not null,
  label_vi    text not null,
  label_en    text,
  parent_code text,
  valid_from  date not null,
  valid_to    date,
  source_document text,
  note        text,
  primary key (list_id, code, valid_from),
  check (valid_to is null or valid_to > valid_from),
  -- one meaning per code at any date
  exclude using gist (list_id with =, code with =, daterange(valid_from, valid_to) with &&)
);

create table ref.admin_units (
  id          bigint generated always as identity primary key,
  code        text not null,
  name        text not null,
  level       text not null,          -- code in list 'admin_unit_level'
  parent_code text,
  valid_from  date not null,
  valid_to    date,
  boundary    geometry(MultiPolygon, 9212),
  source_document text,
  check (valid_to is null or valid_to > valid_from),
  exclude using gist (code with =, daterange(valid_from, valid_to) with &&)
);
create index admin_units_boundary on ref.admin_units using gist (boundary);
create index admin_units_parent on ref.admin_units (parent_code);

-- Old unit -> new unit, from the day the new unit takes over (merges, renames, splits).
create table ref.admin_unit_successions (
  old_code     text not null,
  new_code     text not null,
  effective_on date not null,
  source_document text,
  primary key (old_code, new_code, effective_on)
);
create index admin_unit_successions_new on ref.admin_unit_successions (new_code);

-- Days that differ from the Monday-Friday rule: holidays and swapped days (days off moved to a
-- weekday, compensated by a working Saturday). Maintained yearly from the official notices.
create table ref.calendar_days (
  day   date primary key,
  kind  text not null check (kind in ('holiday', 'day-off', 'working-day')),
  name  text not null,
  source_document text
);

create function ref.code_valid(p_list text, p_code text, p_on date) returns boolean
language sql stable as $$
  select exists (select 1 from ref.codes
                 where list_id = p_list and code = p_code
                   and valid_from <= p_on and (valid_to is null or p_on < valid_to))
$$;

create function ref.unit_at(p_code text, p_on date) returns ref.admin_units
language sql stable as $$
  select * from ref.admin_units
  where code = p_code and valid_from <= p_on and (valid_to is null or p_on < valid_to)
$$;

-- The unit(s) that an old unit code belongs to on a date, following successions in order
-- (a commune merged in 2025 and renamed later resolves to its latest successor). A succession
-- is followed only if it takes effect no earlier than the step that led to its old code, so a
-- rename that is later undone (X -> Y, then Y -> X) ends at X instead of looping.
create function ref.successors_on(p_code text, p_on date) returns setof text
language sql stable as $$
  with recursive chain(code, since, depth) as (
    select p_code, '-infinity'::date, 0
    union
    select s.new_code, s.effective_on, c.depth + 1
    from chain c
    join ref.admin_unit_successions s
      on s.old_code = c.code and s.effective_on <= p_on and s.effective_on >= c.since
    where c.depth < 20
  )
  select distinct c.code from chain c
  where not exists (select 1 from ref.admin_unit_successions s
                    where s.old_code = c.code and s.effective_on <= p_on and s.effective_on >= c.since)
$$;

create function ref.is_working_day(p_day date) returns boolean
language sql stable as $$
  select coalesce(
    (select kind = 'working-day' from ref.calendar_days where day = p_day),
    extract(isodow from p_day) between 1 and 5)
$$;

-- The date n working days after p_start (p_start itself not counted).
create function ref.add_working_days(p_start date, p_days int) returns date
language plpgsql stable as $$
declare d date := p_start; left_ int := p_days;
begin
  if p_days < 0 then raise exception 'add_working_days: days must be >= 0'; end if;
  while left_ > 0 loop
    d := d + 1;
    if ref.is_working_day(d) then left_ := left_ - 1; end if;
  end loop;
  return d;
end
$$;

-- Working days in (p_from, p_to].
create function ref.working_days_between(p_from date, p_to date) returns int
language sql stable as $$
  select count(*)::int from generate_series(p_from + 1, p_to, interval '1 day') g(day)
  where ref.is_working_day(g.day::date)
$$;

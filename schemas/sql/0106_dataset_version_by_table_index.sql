-- catalog.dataset_version read each table's latest change with "where table_name = t order by
-- id desc limit 1". The planner served that from the primary key, backwards, filtering by table,
-- on the assumption that a table's changes are spread evenly over the ids. They are not: a
-- submission's new parcels are recorded without their land uses (0102), so after a few large
-- submissions land.land_uses' latest change lies millions of rows back, and every items page of
-- the parcels dataset (its ETag, and the first page's count) walked them: 0.7 s per call with
-- 8 million parcel changes recorded after the last land-use change (docs/performance.md,
-- session 7). The table's own range of changes_latest (table_name, id) answers in one step, so
-- the lookup now asks for an order that only that index gives: the last change of any table up to
-- t, by (table_name, id) descending, kept only when it is t's. An equality would let the planner
-- drop table_name from the order and take the primary key again.
create or replace function catalog.dataset_version(p_tables regclass[], out version text, out changed_at timestamptz)
language sql stable as $$
  select coalesce(max(v.id), 0)::text || '-' || md5(coalesce((select string_agg(x::text, ',' order by x) from pg_snapshot_xip(pg_current_snapshot()) x), '')),
         coalesce(max(v.changed_at), 'epoch')
  from unnest(p_tables) t(name)
  cross join lateral (select c.table_name, c.id, c.changed_at from catalog.changes c
                      where c.table_name <= t.name
                      order by c.table_name desc, c.id desc limit 1) v
  where v.table_name = t.name
$$;

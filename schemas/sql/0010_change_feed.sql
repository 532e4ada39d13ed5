-- The change feed behind /collections/{id}/changes. Every writing statement on a published
-- table records (table, feature key, operation) with its transaction id. A reader only sees
-- changes of transactions older than the oldest one still running (pg_snapshot_xmin), so a
-- transaction that commits late can never be skipped by a cursor that already moved past it.
create table catalog.changes (
  id          bigint generated always as identity primary key,
  table_name  regclass not null,
  row_key     text not null,
  op          text not null check (op in ('insert', 'update', 'delete')),
  txid        xid8 not null default pg_current_xact_id(),
  changed_at  timestamptz not null default now()
);
create index changes_by_position on catalog.changes (table_name, txid, id);
create index changes_latest on catalog.changes (table_name, id);

-- What an ETag needs: a value that changes whenever the data a reader sees changes. The
-- highest change id visible to this snapshot moves with every commit except one case: a
-- transaction that took a lower id commits after a higher one. That transaction is in the
-- snapshot's in-progress list before it commits and out of it after, so the list joins the
-- version. No counter row is updated by writers: concurrent writers never wait on each other.
create function catalog.dataset_version(p_tables regclass[], out version text, out changed_at timestamptz)
language sql stable as $$
  select coalesce(max(v.id), 0)::text || '-' || md5(coalesce((select string_agg(x::text, ',' order by x) from pg_snapshot_xip(pg_current_snapshot()) x), '')),
         coalesce(max(v.changed_at), 'epoch')
  from unnest(p_tables) t(name)
  cross join lateral (select c.id, c.changed_at from catalog.changes c where c.table_name = t.name order by c.id desc limit 1) v
$$;

-- Statement-level with transition tables: one insert per statement, however many rows (a COPY
-- of a million parcels costs one statement, not a million trigger calls). TG_ARGV[0] is the SQL
-- expression of the feature key over the changed row, written by the migrations below.
create function catalog.record_changes() returns trigger
language plpgsql as $$
begin
  execute format(
    'insert into catalog.changes (table_name, row_key, op) select %L::regclass, (%s)::text, %L from %s r',
    TG_RELID::regclass, TG_ARGV[0], lower(TG_OP), case TG_OP when 'DELETE' then 'old_rows' else 'new_rows' end);
  return null;
end
$$;

create procedure catalog.feed_changes(target regclass, key_expression text)
language plpgsql as $$
begin
  execute format('create trigger record_inserts after insert on %s referencing new table as new_rows for each statement execute function catalog.record_changes(%L)', target, key_expression);
  execute format('create trigger record_updates after update on %s referencing new table as new_rows for each statement execute function catalog.record_changes(%L)', target, key_expression);
  execute format('create trigger record_deletes after delete on %s referencing old table as old_rows for each statement execute function catalog.record_changes(%L)', target, key_expression);
end
$$;

call catalog.feed_changes('land.parcels', 'r.id');
call catalog.feed_changes('land.land_uses', 'r.parcel_id');   -- a parcel's purposes are part of its feature
call catalog.feed_changes('land.planning_zones', 'r.id');
call catalog.feed_changes('land.price_zones', 'r.id');
call catalog.feed_changes('ref.admin_units', 'r.id');
call catalog.feed_changes('land.statistics', $$r.unit_code || ':' || r.purpose_code || ':' || r.user_type_code || ':' || r.year$$);

-- History for every versioned table: the current row lives in the table itself; each update or
-- delete first copies the previous row into <table>_history with the period it was valid and
-- who ended it. Writers identify themselves per transaction:
--   select set_config('datahub.writer', 'submission:<id>', true);
-- and a write without that setting fails, so no change is anonymous.
create extension if not exists hstore;
create extension if not exists btree_gist;

create schema if not exists history;

create or replace function history.require_writer() returns text
language plpgsql stable as $$
declare w text := nullif(current_setting('datahub.writer', true), '');
begin
  if w is null then
    raise exception 'datahub.writer is not set: every change must say who makes it (set_config(''datahub.writer'', ..., true))'
      using errcode = 'P0001';
  end if;
  return w;
end
$$;

-- Keeps the previous version (row trigger, BEFORE UPDATE or AFTER DELETE). TG_ARGV[0] is the
-- history table. Columns are matched by name through hstore, so adding a column to both
-- tables in a later migration needs no change here.
create or replace function history.keep_version() returns trigger
language plpgsql as $$
declare
  writer text;
begin
  if TG_OP = 'UPDATE' and NEW is not distinct from OLD then
    return null; -- nothing changed: no new version
  end if;
  writer := history.require_writer();
  execute format(
    'insert into %s select (populate_record(null::%s, hstore($1) || hstore(array[''valid_to'', ''ended_by'', ''change''], array[$2::text, $3, $4]))).*',
    TG_ARGV[0], TG_ARGV[0])
  using OLD, now(), writer, lower(TG_OP);
  if TG_OP = 'UPDATE' then
    NEW.valid_from := now();
    NEW.written_by := writer;
    return NEW;
  end if;
  return OLD;
end
$$;

-- New rows: the author and start are the transaction's, whatever the statement says, so an
-- insert can neither forge its writer nor backdate its version.
create or replace function history.stamp_insert() returns trigger
language plpgsql as $$
begin
  NEW.written_by := history.require_writer();
  NEW.valid_from := now();
  return NEW;
end
$$;

-- Attaches history to a table that has valid_from and written_by columns.
create or replace procedure history.track(target regclass, history_table text)
language plpgsql as $$
begin
  execute format('create trigger stamp_insert before insert on %s for each row execute function history.stamp_insert()', target);
  execute format('create trigger keep_version_on_update before update on %s for each row execute function history.keep_version(%L)', target, history_table);
  execute format('create trigger keep_version_on_delete after delete on %s for each row execute function history.keep_version(%L)', target, history_table);
end
$$;

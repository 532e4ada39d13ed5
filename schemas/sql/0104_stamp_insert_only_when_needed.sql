-- New rows are stamped with the transaction's writer and start (0003). Both were set twice per
-- row, each time by a PL/pgSQL call: the column default called history.require_writer(), then
-- the stamp_insert trigger called it again. A bulk insert of 215,000 rows (a 100,000-parcel
-- submission's parcels and land uses) spent about 0.35 s on them (docs/performance.md, ingest).
--
-- Now the default is a plain expression, and the trigger runs only when the row does not
-- already carry what it would set: a missing writer (it then refuses the row, as before), a
-- forged one, or a start other than the transaction's. An insert that leaves both columns to
-- their defaults, as every writer in the hub does, no longer calls PL/pgSQL at all.
create or replace procedure history.stamp_inserts(target regclass)
language plpgsql as $$
begin
  execute format('alter table %s alter column written_by set default nullif(current_setting(''datahub.writer'', true), '''')', target);
  execute format('drop trigger if exists stamp_insert on %s', target);
  execute format('create trigger stamp_insert before insert on %s for each row '
                 'when (new.written_by is null '
                 '      or new.written_by is distinct from nullif(current_setting(''datahub.writer'', true), '''') '
                 '      or new.valid_from is distinct from now()) '
                 'execute function history.stamp_insert()', target);
end
$$;

create or replace procedure history.track(target regclass, history_table text)
language plpgsql as $$
begin
  call history.stamp_inserts(target);
  execute format('create trigger keep_version_on_update before update on %s for each row execute function history.keep_version(%L)', target, history_table);
  execute format('create trigger keep_version_on_delete after delete on %s for each row execute function history.keep_version(%L)', target, history_table);
end
$$;

do $$
declare t regclass;
begin
  for t in select tgrelid::regclass from pg_trigger where tgname = 'stamp_insert' and not tgisinternal loop
    call history.stamp_inserts(t);
  end loop;
end
$$;

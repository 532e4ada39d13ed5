-- A statement whose changes are already in the change feed under the same keys may say so: a
-- submission's new parcels are recorded by their own insert, and the land uses written with them
-- in the same transaction are keyed by the same parcel ids (every reader of the feed, the changes
-- endpoint, the outbox routes and reports.changed_since_facts, takes land.land_uses rows as
-- "this parcel changed"). Recording them again cost 0.75 s per 100,000 parcels of a submission
-- and told no reader anything new (docs/performance.md, ingest). The setting is transaction-
-- local, set just before that one statement and cleared just after it.
create or replace function catalog.record_changes() returns trigger
language plpgsql as $$
begin
  if current_setting('datahub.changes_recorded_with', true) = TG_RELID::regclass::text then
    return null;
  end if;
  execute format(
    'insert into catalog.changes (table_name, row_key, op) select %L::regclass, (%s)::text, %L from %s r',
    TG_RELID::regclass, TG_ARGV[0], lower(TG_OP), case TG_OP when 'DELETE' then 'old_rows' else 'new_rows' end);
  return null;
end
$$;

-- Events that are not dataset records (the special-request sharing thread, failed backups and
-- restore drills) go to the IOC through the same outbox: a route per event source, off until the
-- department switches it on (PATCH /api/v1/deliveries/routes/{id}), messages written by a
-- statement trigger in the event's own transaction, rendered when sent.
alter table outbox.routes drop constraint routes_dataset_id_fkey;
create table outbox.event_sources (
  source  text primary key,
  title   text not null
);
insert into outbox.event_sources values
  ('sharing-events', 'Special-request sharing: requests filed, negotiation steps, grants created and revoked'),
  ('backup-alerts', 'Failed backups and restore drills');
-- A route names a dataset of the catalogue or an event source.
create function outbox.check_route_source() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from catalog.datasets where id = NEW.dataset_id)
     and not exists (select 1 from outbox.event_sources where source = NEW.dataset_id) then
    raise exception 'route source % is neither a dataset nor an event source', NEW.dataset_id using errcode = '23503';
  end if;
  return NEW;
end
$$;
create trigger check_route_source before insert or update on outbox.routes
  for each row execute function outbox.check_route_source();
insert into outbox.routes (dataset_id, change, target) values
  ('sharing-events', 'insert', 'ioc'),
  ('backup-alerts', 'insert', 'ioc');

-- One message per event (events are immutable: the key is the event's id).
create function outbox.route_events() returns trigger
language plpgsql as $$
begin
  insert into outbox.messages (target, dataset_id, entity_key, change)
  select r.target, TG_ARGV[0], e.id::text, 'insert'
  from new_rows e join outbox.routes r on r.dataset_id = TG_ARGV[0] and r.enabled
  on conflict (target, dataset_id, entity_key, txid) do nothing;
  return null;
end
$$;
create trigger route_events after insert on special_sharing.events
  referencing new table as new_rows for each statement execute function outbox.route_events('sharing-events');
create trigger route_events after insert on backups.alerts
  referencing new table as new_rows for each statement execute function outbox.route_events('backup-alerts');

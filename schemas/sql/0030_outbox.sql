-- The transactional outbox: what must reach a partner (the Ministry, the IOC) is written in the
-- same transaction as the data change, by the database itself, so no committed change can miss
-- its push and no rolled-back one can leak out. Delivery workers drain it (see Deliveries/).
create schema if not exists outbox;

-- Routes are data: which dataset's changes (insert, update, delete or any) go to which target.
-- They ship disabled; an operator enables the ones the province has agreed with each partner.
create table outbox.routes (
  id          int generated always as identity primary key,
  dataset_id  text not null references catalog.datasets,
  change      text not null check (change in ('insert', 'update', 'delete', 'any')),
  target      text not null check (target in ('ministry', 'ioc')),
  enabled     boolean not null default false,
  unique (dataset_id, change, target)
);
insert into outbox.routes (dataset_id, change, target) values
  ('parcels', 'any', 'ministry'),
  ('land-statistics', 'any', 'ministry'),
  ('parcels', 'any', 'ioc'),
  ('planning-zones', 'any', 'ioc');

-- One message per record, target and transaction: the record's key, not its content. The
-- content is read when the message is sent (the record as it is then), so the write path stays
-- one narrow insert per changed record, and a late delivery never sends an older version.
create table outbox.messages (
  id               bigint generated always as identity primary key,
  key              uuid not null default gen_random_uuid(),  -- the idempotency key partners see
  target           text not null,
  dataset_id       text not null,
  entity_key       text not null,
  change           text not null check (change in ('insert', 'update', 'delete', 'resend')),
  txid             xid8 not null default pg_current_xact_id(),
  created_at       timestamptz not null default now(),
  status           text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts         int not null default 0,
  next_attempt_at  timestamptz not null default now(),
  last_error       text,
  finished_at      timestamptz,  -- delivered or dead-lettered
  claim            uuid          -- the worker that holds it until next_attempt_at (its lease)
);
-- The de-duplication of one transaction's changes to a record (a parcel and its land uses are
-- two statements), and the lookup of a record's earlier messages that keeps order per entity.
create unique index messages_per_entity on outbox.messages (target, dataset_id, entity_key, txid);
create index messages_pending on outbox.messages (target, id) where status = 'pending';
create index messages_dead on outbox.messages (target, id) where status = 'dead';
create index messages_finished on outbox.messages (finished_at) where status = 'delivered';

-- Every try to send a message, as the delivery worker saw it. 'unreachable' tries (no answer,
-- 408, 429, 502-504, open circuit: the partner's outage, not the message's fault) are kept
-- here but do not count towards dead-lettering; messages.attempts counts the others.
create table outbox.attempts (
  id           bigint generated always as identity primary key,
  message_id   bigint not null references outbox.messages on delete cascade,
  at           timestamptz not null default now(),
  outcome      text not null check (outcome in ('delivered', 'unreachable', 'refused', 'dead', 'replayed')),
  status_code  int,
  error        text,
  duration_ms  int,
  worker       text             -- the hub process (host:pid) that made the try
);
create index attempts_by_message on outbox.attempts (message_id, id);

-- Statement-level on the change feed rows (themselves written once per statement): one
-- insert ... select per statement that changes a routed table, whatever its row count.
create function outbox.route_changes() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from outbox.routes where enabled) then
    return null;
  end if;
  insert into outbox.messages (target, dataset_id, entity_key, change)
  select distinct on (r.target, d.id, c.row_key) r.target, d.id, c.row_key, c.op
  from new_rows c
  join catalog.datasets d on c.table_name = any(d.source_tables)
  join outbox.routes r on r.dataset_id = d.id and r.enabled and r.change in ('any', c.op)
  order by r.target, d.id, c.row_key, c.id
  on conflict (target, dataset_id, entity_key, txid) do nothing;
  return null;
end
$$;
create trigger route_changes after insert on catalog.changes
  referencing new table as new_rows for each statement execute function outbox.route_changes();

-- Each reconciliation with the Ministry: what was compared and what was queued again.
create table outbox.reconciliations (
  id          bigint generated always as identity primary key,
  dataset_id  text not null,
  at          timestamptz not null default now(),
  compared    int not null,   -- communes on either side
  differing   text[] not null,
  queued      int not null,
  error       text
);

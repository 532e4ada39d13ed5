-- Pushing dossier messages to the tax authority and the one-stop shop (when their APIs are
-- configured): tries, the next try after a failure, and the last error, per message.
alter table dossiers.messages
  add column attempts int not null default 0,
  add column next_attempt_at timestamptz not null default now(),
  add column last_error text;
create index messages_due on dossiers.messages (target, next_attempt_at, id) where status = 'pending';

-- Large submissions are answered 202 at once: their body is kept here (committed with the
-- submission row, status 'received') and a worker applies it later in one transaction. A hub
-- killed while applying leaves the status at 'received' and the data untouched; the next
-- worker to start takes it up again.
alter table submissions.submissions drop constraint submissions_status_check;
alter table submissions.submissions add constraint submissions_status_check
  check (status in ('received', 'processing', 'applied', 'rejected'));
alter table submissions.submissions
  add column ndjson boolean not null default false,
  add column crs text,
  add column body_bytes bigint,
  add column attempts int not null default 0,
  add column last_error text;
create index submissions_waiting on submissions.submissions (received_at) where status = 'received';

create table submissions.bodies (
  submission_id  uuid not null references submissions.submissions on delete cascade,
  seq            int not null,
  chunk          bytea not null,
  primary key (submission_id, seq)
);

-- Written outside the applying transaction (no foreign key: the submission row is locked by it),
-- so that the status URL shows progress while the work is still invisible.
create table submissions.progress (
  submission_id  uuid primary key,
  records        int not null,
  updated_at     timestamptz not null default now()
);

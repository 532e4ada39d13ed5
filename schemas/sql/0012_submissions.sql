-- Submissions: each batch a department sends, with its idempotency key, the digest of its body,
-- what it did and what was wrong with it. Written in the same transaction as the data it
-- applies, so the status never claims more than what was committed.
create schema if not exists submissions;

create table submissions.submissions (
  id               uuid primary key,
  dataset_id       text not null references catalog.datasets,
  idempotency_key  text not null check (length(idempotency_key) between 1 and 200),
  body_sha256      text,
  status           text not null check (status in ('processing', 'applied', 'rejected')),
  mode             text not null check (mode in ('all-or-nothing', 'valid-only')),
  submitted_by     text not null,
  received         int not null default 0,
  inserted         int not null default 0,
  updated          int not null default 0,
  unchanged        int not null default 0,
  retired          int not null default 0,
  rejected         int not null default 0,
  problem_count    int not null default 0,
  problems         jsonb not null default '[]',
  received_at      timestamptz not null default now(),
  finished_at      timestamptz,
  unique (dataset_id, idempotency_key)
);

-- A parcel has one land-use row per purpose: submissions update them by (parcel, purpose).
create unique index land_uses_parcel_purpose on land.land_uses (parcel_id, purpose_code);

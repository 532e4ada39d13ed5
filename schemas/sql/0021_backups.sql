-- Backups (regulation Article 7.3): each run of the daily backup, each restore drill, and the
-- alerts a failure raises. The dumps themselves live on the backup target (another server);
-- these rows say what was attempted and how it ended.
create schema if not exists backups;

create table backups.runs (
  id               text primary key,      -- also the file name stem on the target
  status           text not null check (status in ('running', 'succeeded', 'failed', 'removed')),
  trigger          text not null,         -- scheduled, manual (API) or cli
  target           text not null,         -- where it went, e.g. sftp://backup@host:22/srv/backups
  meets_regulation boolean not null,      -- false for a local folder (development only)
  started_at       timestamptz not null,
  finished_at      timestamptz,
  size_bytes       bigint,
  sha256           text,
  verified_at      timestamptz,           -- when the stored copy was read back and matched
  error            text,
  manifest         jsonb,
  removed_at       timestamptz            -- when retention removed it from the target
);
create index runs_started on backups.runs (started_at desc);

create table backups.drills (
  id           bigint generated always as identity primary key,
  backup_id    text,
  status       text not null check (status in ('running', 'passed', 'failed')),
  started_at   timestamptz not null,
  finished_at  timestamptz,
  scratch_db   text not null,
  tables       int,
  mismatches   jsonb,
  error        text
);
create index drills_started on backups.drills (started_at desc);

-- A failed backup or drill. The partner pushes (issue 8) will turn each unpublished row into
-- an event for the provincial IOC and set published_at; until then operators read it here,
-- beside the error log line and the datahub.backups.failures metric.
create table backups.alerts (
  id            bigint generated always as identity primary key,
  raised_at     timestamptz not null default now(),
  event_type    text not null check (event_type in ('datahub.backup.failed', 'datahub.backup.drill-failed')),
  subject       text,                     -- the backup id (or drill's backup id), when known
  message       text not null,
  published_at  timestamptz
);
create index alerts_unpublished on backups.alerts (raised_at) where published_at is null;

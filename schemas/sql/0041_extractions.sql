-- Extractions: a user's query (dataset, fields, CQL2 filter, area) run as a job that writes a
-- file to download. Each row is also the record of what left the hub: who asked, when, what,
-- how many rows. Files expire; the row stays.
create schema if not exists extraction;

create table extraction.jobs (
  id              uuid primary key,
  dataset_id      text not null references catalog.datasets,
  fields          text[] not null,
  filter          text,
  area            jsonb,                  -- {"bbox": [...]}, {"unit": "26500"} or {"geometry": GeoJSON}, WGS 84
  format          text not null check (format in ('geojson', 'csv')),
  requested_by    text not null,          -- no accounts yet: 'anonymous' and the client address
  client_address  text,
  status          text not null check (status in ('queued', 'running', 'done', 'failed', 'expired')),
  rows_total      bigint,
  rows_written    bigint not null default 0,
  file_name       text,
  file_bytes      bigint,
  error           text,
  requested_at    timestamptz not null default now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  expires_at      timestamptz
);
create index jobs_queued on extraction.jobs (requested_at) where status = 'queued';
create index jobs_expiring on extraction.jobs (expires_at) where status = 'done';

-- Who may do what: organisational units, people's accounts, machine clients, roles and the
-- permissions they carry. Units and roles are data (units merge and are renamed; the
-- department decides which function carries which right), never enums in code. Accounts,
-- clients and role assignments keep history like the land tables; credentials live apart so
-- that a sign-in does not make a new account version.
create schema if not exists access;

insert into ref.code_lists (list_id, title_vi, title_en, source_document) values
  ('unit_kind', 'Loại đơn vị', 'Kind of organisational unit', 'DataHub'),
  ('departure_kind', 'Loại thay đổi công tác', 'Kind of leaving or moving', 'Quy chế vận hành Điều 6');

insert into ref.codes (list_id, code, label_vi, label_en, valid_from) values
  ('unit_kind', 'department', 'Sở, ban, ngành', 'Provincial department', '1990-01-01'),
  ('unit_kind', 'division', 'Phòng, đơn vị trực thuộc', 'Division or subordinate office', '1990-01-01'),
  ('unit_kind', 'peoples-committee', 'Ủy ban nhân dân', 'People''s Committee', '1990-01-01'),
  ('unit_kind', 'ministry', 'Bộ, cơ quan trung ương', 'Ministry or central agency', '1990-01-01'),
  ('unit_kind', 'service-center', 'Trung tâm Phục vụ hành chính công', 'Public Administrative Service Center', '1990-01-01'),
  ('unit_kind', 'operations-center', 'Trung tâm điều hành thông minh (IOC)', 'Intelligent operations center (IOC)', '1990-01-01'),
  ('unit_kind', 'tax-authority', 'Cơ quan thuế', 'Tax authority', '1990-01-01'),
  ('departure_kind', 'transfer', 'Điều chuyển công tác', 'Transfer to another unit', '1990-01-01'),
  ('departure_kind', 'position-change', 'Thay đổi vị trí công tác', 'Change of position', '1990-01-01'),
  ('departure_kind', 'resignation', 'Nghỉ việc', 'Resignation', '1990-01-01'),
  ('departure_kind', 'retirement', 'Nghỉ hưu', 'Retirement', '1990-01-01');

-- A unit keeps its code through a rename (a new version from the rename's date); a merger
-- ends the old units and records their successor, as for administrative units.
create table access.units (
  id          bigint generated always as identity primary key,
  code        text not null,
  name        text not null,
  kind        text not null,          -- code in list 'unit_kind'
  parent_code text,
  valid_from  date not null,
  valid_to    date,
  source_document text,
  check (valid_to is null or valid_to > valid_from),
  exclude using gist (code with =, daterange(valid_from, valid_to) with &&)
);
create index units_parent on access.units (parent_code);

create table access.unit_successions (
  old_code     text not null,
  new_code     text not null,
  effective_on date not null,
  source_document text,
  primary key (old_code, new_code, effective_on)
);

create function access.unit_at(p_code text, p_day date) returns access.units
language sql stable as $$
  select * from access.units
  where code = p_code and valid_from <= p_day and (valid_to is null or valid_to > p_day)
$$;

-- Roles and the permissions each carries. A dataset-scoped role (a data steward of one
-- dataset, a reviewer of one dataset's requests) is assigned with the dataset's id.
create table access.roles (
  role            text primary key,
  title_vi        text not null,
  title_en        text not null,
  dataset_scoped  boolean not null default false,
  description     text not null
);

create table access.role_permissions (
  role        text not null references access.roles,
  permission  text not null,
  primary key (role, permission)
);

-- People. status: active | revoked. rights_end_on is set by a recorded departure.
create table access.accounts (
  account_id    uuid primary key default gen_random_uuid(),
  username      text not null,
  display_name  text not null,
  unit_code     text not null,
  position      text not null,
  status        text not null default 'active' check (status in ('active', 'revoked')),
  created_at    timestamptz not null default now(),
  valid_from    timestamptz not null default now(),
  written_by    text not null default history.require_writer()
);
create unique index accounts_username on access.accounts (lower(username));
create index accounts_unit on access.accounts (unit_code);
create table history.access_accounts (like access.accounts);
alter table history.access_accounts add column valid_to timestamptz not null, add column ended_by text not null, add column change text not null;
call history.track('access.accounts', 'history.access_accounts');

-- Credentials and sign-in state: changes with every sign-in, so kept out of the versioned row.
-- token_epoch grows on every password change, reset and revocation: tokens carry the epoch
-- they were issued under and stop working when it moves.
create table access.account_credentials (
  account_id            uuid primary key references access.accounts on delete cascade,
  password_hash         text not null,
  password_set_at       timestamptz not null default now(),
  must_change_password  boolean not null default true,
  failed_sign_ins       int not null default 0,
  locked_until          timestamptz,
  last_sign_in_at       timestamptz,
  token_epoch           int not null default 1
);

-- The last passwords of an account (hashes only), so they cannot be reused.
create table access.password_history (
  account_id     uuid not null references access.accounts on delete cascade,
  password_hash  text not null,
  set_at         timestamptz not null default now()
);
create index password_history_account on access.password_history (account_id, set_at desc);

-- Machine clients of a unit (OAuth2 client credentials). The secret is stored hashed and
-- shown once; rotating it bumps token_epoch so earlier tokens end too.
create table access.clients (
  client_id     text primary key,
  name          text not null,
  unit_code     text not null,
  status        text not null default 'active' check (status in ('active', 'revoked')),
  created_at    timestamptz not null default now(),
  valid_from    timestamptz not null default now(),
  written_by    text not null default history.require_writer()
);
create table history.access_clients (like access.clients);
alter table history.access_clients add column valid_to timestamptz not null, add column ended_by text not null, add column change text not null;
call history.track('access.clients', 'history.access_clients');

create table access.client_secrets (
  client_id     text primary key references access.clients on delete cascade,
  secret_hash   text not null,
  set_at        timestamptz not null default now(),
  token_epoch   int not null default 1
);

-- Role assignments of accounts and clients. dataset_id is required for dataset-scoped roles
-- and forbidden otherwise (checked by trigger below, the catalogue being in another schema).
create table access.role_assignments (
  id            bigint generated always as identity primary key,
  account_id    uuid references access.accounts on delete cascade,
  client_id     text references access.clients on delete cascade,
  role          text not null references access.roles,
  dataset_id    text references catalog.datasets (id),
  valid_from    timestamptz not null default now(),
  written_by    text not null default history.require_writer(),
  check ((account_id is null) <> (client_id is null))
);
create unique index role_assignments_unique on access.role_assignments
  (coalesce(account_id::text, 'client:' || client_id), role, coalesce(dataset_id, ''));
create table history.access_role_assignments (like access.role_assignments);
alter table history.access_role_assignments add column valid_to timestamptz not null, add column ended_by text not null, add column change text not null;
call history.track('access.role_assignments', 'history.access_role_assignments');

create function access.check_role_scope() returns trigger
language plpgsql as $$
declare scoped boolean;
begin
  select dataset_scoped into scoped from access.roles where role = NEW.role;
  if scoped and NEW.dataset_id is null then
    raise exception 'role % needs a dataset', NEW.role using errcode = '23514';
  elsif not scoped and NEW.dataset_id is not null then
    raise exception 'role % is not given per dataset', NEW.role using errcode = '23514';
  end if;
  return NEW;
end
$$;
create trigger check_role_scope before insert or update on access.role_assignments
  for each row execute function access.check_role_scope();

-- Leaving or moving (regulation: rights removed within 5 working days). rights_end_on is the
-- day the person's rights stop (by default the effective date, at the latest 5 working days
-- after it); applied_at is when the roles were removed or the account revoked.
create table access.departures (
  id             bigint generated always as identity primary key,
  account_id     uuid not null references access.accounts on delete cascade,
  kind           text not null,      -- code in list 'departure_kind'
  effective_on   date not null,
  rights_end_on  date not null,
  new_unit_code  text,
  new_position   text,
  note           text,
  recorded_by    text not null,
  recorded_at    timestamptz not null default now(),
  applied_at     timestamptz,
  check (rights_end_on >= effective_on)
);
create index departures_account on access.departures (account_id);
create index departures_pending on access.departures (rights_end_on) where applied_at is null;

-- The rights of one principal now: permission and dataset (null = every dataset). A person's
-- roles stop counting from the day a pending departure ends them, even before it is applied.
create function access.account_permissions(p_account uuid, p_today date)
returns table (permission text, dataset_id text)
language sql stable as $$
  select distinct rp.permission, ra.dataset_id
  from access.role_assignments ra
  join access.role_permissions rp on rp.role = ra.role
  where ra.account_id = p_account
    and not exists (select 1 from access.departures d
                    where d.account_id = p_account and d.applied_at is null and d.rights_end_on <= p_today)
$$;

create function access.client_permissions(p_client text)
returns table (permission text, dataset_id text)
language sql stable as $$
  select distinct rp.permission, ra.dataset_id
  from access.role_assignments ra
  join access.role_permissions rp on rp.role = ra.role
  where ra.client_id = p_client
$$;

insert into access.roles (role, title_vi, title_en, dataset_scoped, description) values
  ('department-admin', 'Quản trị của Sở', 'Department administrator', false,
   'Creates, hands out and revokes unit accounts and clients, manages units and roles, reads the audit trail.'),
  ('unit-head', 'Lãnh đạo đơn vị', 'Unit head', false,
   'Manages the accounts of the staff of the own unit and resets their forgotten passwords.'),
  ('data-steward', 'Cán bộ quản lý dữ liệu', 'Data steward of a dataset', true,
   'Submits, corrects and retires the records of one dataset; reads its submissions.'),
  ('request-reviewer', 'Cán bộ xét duyệt yêu cầu', 'Request reviewer of a dataset', true,
   'Reviews special-request data requests for one dataset.'),
  ('reader', 'Người khai thác', 'Reader', false,
   'Reads the default-shared datasets, their changes and the reports.'),
  ('auditor', 'Kiểm tra an toàn thông tin', 'Security auditor', false,
   'Reads and verifies the audit trail and the account reports.');

insert into access.role_permissions (role, permission) values
  ('department-admin', 'accounts.manage'),
  ('department-admin', 'accounts.manage-unit'),
  ('department-admin', 'units.manage'),
  ('department-admin', 'clients.manage'),
  ('department-admin', 'audit.read'),
  ('department-admin', 'data.read'),
  ('department-admin', 'operations.manage'),
  ('unit-head', 'accounts.manage-unit'),
  ('unit-head', 'data.read'),
  ('data-steward', 'data.submit'),
  ('data-steward', 'data.read'),
  ('request-reviewer', 'requests.review'),
  ('request-reviewer', 'data.read'),
  ('reader', 'data.read'),
  ('auditor', 'audit.read');

-- The department and its partners as of the 2025 reorganisation. Codes are the hub's own;
-- names follow DOMAIN.md. Bình Phước's department ends on 2025-07-01 with the merger into
-- Đồng Nai; its successor carries on.
insert into access.units (code, name, kind, parent_code, valid_from, valid_to, source_document) values
  ('stnmt-bp', 'Sở Tài nguyên và Môi trường tỉnh Bình Phước', 'department', null, '1997-01-01', '2025-03-01', 'NQ 09/1996/QH9'),
  ('snnmt-bp', 'Sở Nông nghiệp và Môi trường tỉnh Bình Phước', 'department', null, '2025-03-01', '2025-07-01', 'check'),
  ('snnmt-dn', 'Sở Nông nghiệp và Môi trường tỉnh Đồng Nai', 'department', null, '2025-07-01', null, 'NQ 202/2025/QH15'),
  ('vpdk-dn', 'Văn phòng Đăng ký đất đai tỉnh Đồng Nai', 'division', 'snnmt-dn', '2025-07-01', null, 'check'),
  ('thue-dn', 'Thuế tỉnh Đồng Nai', 'tax-authority', null, '2025-07-01', null, 'check'),
  ('ttpvhcc-dn', 'Trung tâm Phục vụ hành chính công tỉnh Đồng Nai', 'service-center', null, '2025-07-01', null, 'check'),
  ('ioc-dn', 'Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Đồng Nai', 'operations-center', null, '2025-07-01', null, 'check'),
  ('bnnmt', 'Bộ Nông nghiệp và Môi trường', 'ministry', null, '2025-03-01', null, 'NQ 176/2025/QH15');
insert into access.unit_successions (old_code, new_code, effective_on, source_document) values
  ('stnmt-bp', 'snnmt-bp', '2025-03-01', 'check'),
  ('snnmt-bp', 'snnmt-dn', '2025-07-01', 'NQ 202/2025/QH15');

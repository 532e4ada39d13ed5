using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace DataHub.Tests.Reports;

/// <summary>
/// The seeded province with a history of operations written straight into the tables (SQL, so
/// that the dates can lie on both sides of the 2025 reorganisation): 240 dossiers received from
/// January 2025, every other day, under the communes and offices of their day, finishing on time
/// or late (some after a pause or a tax stage), rejected, open or paused; 6 dossiers received yesterday, still in time; 60 data requests
/// filed weekly by units that were merged, approved, refused, accepted, withdrawn or left open,
/// with their grants and reads; 90 outbox messages delivered, dead-lettered or pending, with tries.
/// The test operator is a land registrar too, to read the dossier statistics.
/// </summary>
public sealed class OperationalReportsHubFixture : ReportsHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings(), new("Deliveries:DrainInProcess", "false")];

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        await using var command = DataSource.CreateCommand(Seed);
        await command.ExecuteNonQueryAsync();
    }

    private const string Seed = """
        -- The test operator also processes dossiers here (its roles do not include a dossier right).
        select set_config('datahub.writer', 'test:seed', false);
        insert into access.role_assignments (account_id, role) values ('00000000-0000-0000-0000-00000000000f', 'land-registrar');

        -- Dossiers: the i-th parcel's commune as it was on the day received (old before 2025-07-01,
        -- its successor after), the office of the day, and an outcome by i % 6.
        with parcels as (
          select p.id as parcel_id, p.commune_code, p.old_commune_code, p.map_sheet, p.parcel_no, row_number() over (order by p.id) as n
          from land.parcels p
        ),
        d as (
          select i, md5('dossier' || i)::uuid as id, (array['1.013831', '1.012784', '1.011441'])[1 + i % 3] as procedure_code,
                 (array[8, 15, 3])[1 + i % 3] as deadline_days, date '2025-01-06' + i * 2 as received_on, p.*
          from generate_series(1, 240) i join parcels p on p.n = 1 + (i * 7) % (select count(*) from parcels)
        ),
        inserted as (
          insert into dossiers.dossiers (id, sender, sender_number, body_sha256, procedure_code, form_version, unit_code, commune_code, channel,
                                         received_at, received_on, deadline_days, state, form, intake_by)
          select d.id, 'client:one-stop-shop', 'BN-' || d.i, md5(d.i::text), d.procedure_code, 'v1',
                 case when d.received_on < '2025-03-01' then 'stnmt-bp' when d.received_on < '2025-07-01' then 'snnmt-bp' else 'vpdk-dn' end,
                 case when d.received_on < '2025-07-01' then coalesce(d.old_commune_code, d.commune_code)
                      else coalesce((select s.new_code from ref.admin_unit_successions s where s.old_code = d.commune_code), d.commune_code) end,
                 'counter', (d.received_on + time '09:00') at time zone 'Asia/Ho_Chi_Minh', d.received_on, d.deadline_days,
                 (array['result-ready', 'returned', 'rejected', 'in-processing', 'paused', 'result-ready'])[1 + d.i % 6], '{}', 'test'
          from d
          returning id
        ),
        linked as (
          insert into dossiers.parcels (dossier_id, commune_code, map_sheet, parcel_no, parcel_id)
          select d.id, d.commune_code, d.map_sheet, d.parcel_no, d.parcel_id from d
          returning 1
        )
        insert into dossiers.steps (dossier_id, at, from_state, action, to_state, actor)
        select d.id, (d.received_on + time '09:00' + s.after) at time zone 'Asia/Ho_Chi_Minh', s.from_state, s.action, s.to_state, 'test'
        from d cross join lateral (values
          (interval '0', null, 'receive', 'received', true),
          (interval '1 hour', 'received', 'accept', 'in-processing', d.i % 6 <> 2),
          (interval '1 day', 'received', 'reject', 'rejected', d.i % 6 = 2),
          (interval '2 days', 'in-processing', 'approve', 'result-ready', d.i % 6 = 0),
          (interval '30 days', 'in-processing', 'approve', 'result-ready', d.i % 6 = 1),
          (interval '32 days', 'result-ready', 'return-result', 'returned', d.i % 6 = 1),
          (interval '1 day', 'in-processing', 'pause', 'paused', d.i % 6 = 4),
          (interval '10 days', 'in-processing', 'approve', 'result-ready', d.i % 12 = 5),
          -- Clocks that stopped and ran again: a pause resumed, a tax stage paid.
          (interval '1 day', 'in-processing', 'pause', 'paused', d.i % 12 = 5),
          (interval '4 days', 'paused', 'resume', 'in-processing', d.i % 12 = 5),
          (interval '2 days', 'in-processing', 'send-to-tax', 'waiting-for-financial-obligation', d.i % 12 = 11),
          (interval '6 days', 'waiting-for-financial-obligation', 'confirm-payment', 'obligation-fulfilled', d.i % 12 = 11),
          (interval '10 days', 'obligation-fulfilled', 'approve', 'result-ready', d.i % 12 = 11)
        ) s(after, from_state, action, to_state, taken)
        where s.taken;

        -- Six dossiers received yesterday, still in processing: open and in time.
        insert into dossiers.dossiers (id, sender, sender_number, body_sha256, procedure_code, form_version, unit_code, commune_code, channel,
                                       received_at, received_on, deadline_days, state, form, intake_by)
        select md5('recent' || i)::uuid, 'client:one-stop-shop', 'BN-R' || i, md5('r' || i), '1.012784', 'v1', 'vpdk-dn',
               (select coalesce(s.new_code, p.commune_code) from land.parcels p left join ref.admin_unit_successions s on s.old_code = p.commune_code order by p.id limit 1),
               'online', now() - interval '1 day', ((now() - interval '1 day') at time zone 'Asia/Ho_Chi_Minh')::date, 15, 'in-processing', '{}', 'test'
        from generate_series(1, 6) i;
        insert into dossiers.steps (dossier_id, at, from_state, action, to_state, actor)
        select md5('recent' || i)::uuid, now() - interval '1 day', null, 'receive', 'received', 'test' from generate_series(1, 6) i
        union all
        select md5('recent' || i)::uuid, now() - interval '23 hours', 'received', 'accept', 'in-processing', 'test' from generate_series(1, 6) i;

        -- Data requests, weekly from January 2025, by the department of their day (merged twice in
        -- 2025) or the tax authority; an outcome by i % 5.
        with r as (
          select i, md5('request' || i)::uuid as id, (date '2025-01-08' + i * 7 + time '10:00') at time zone 'Asia/Ho_Chi_Minh' as filed_at,
                 case when date '2025-01-08' + i * 7 < '2025-03-01' then 'stnmt-bp' when date '2025-01-08' + i * 7 < '2025-07-01' then 'snnmt-bp'
                      when i % 2 = 0 then 'snnmt-dn' else 'thue-dn' end as unit,
                 case i % 3 when 0 then array['parcels'] when 1 then array['parcel-users'] else array['parcels', 'parcel-users'] end as datasets,
                 (array['approved', 'refused', 'submitted', 'approved', 'withdrawn'])[1 + i % 5] as state
          from generate_series(1, 60) i
        ),
        requests as (
          insert into special_sharing.requests (id, requester_unit, filed_by, filed_at, state, datasets, scope, purpose, legal_basis, delivery, contact, decision_due_on, decided_at)
          select r.id, r.unit, 'test', r.filed_at, r.state, r.datasets, '{}', 'test', 'test', 'api', '{}', (r.filed_at at time zone 'Asia/Ho_Chi_Minh')::date + 21,
                 case r.i % 5 when 0 then r.filed_at + interval '3 days' when 1 then r.filed_at + interval '10 days 6 hours' when 3 then r.filed_at + interval '5 days' end
          from r returning id
        ),
        steps as (
          insert into special_sharing.steps (request_id, at, actor, side, action, from_state, to_state)
          select r.id, r.filed_at + s.after, 'test', s.side, s.action, s.from_state, s.to_state
          from r cross join lateral (values
            (interval '0', 'requester', 'file', null, 'submitted', true),
            (interval '3 days', 'reviewer', 'approve', 'submitted', 'approved', r.i % 5 = 0),
            (interval '10 days 6 hours', 'reviewer', 'refuse', 'submitted', 'refused', r.i % 5 = 1),
            (interval '2 days', 'reviewer', 'counter-propose', 'submitted', 'counter-proposed', r.i % 5 = 3),
            (interval '5 days', 'requester', 'accept', 'counter-proposed', 'approved', r.i % 5 = 3),
            (interval '1 day', 'requester', 'withdraw', 'submitted', 'withdrawn', r.i % 5 = 4)
          ) s(after, side, action, from_state, to_state, taken)
          where s.taken
          returning 1
        ),
        grants as (
          insert into special_sharing.grants (id, request_id, grantee_unit, datasets, scope, valid_from, valid_to, rate_limit_per_hour, delivery, granted_at, granted_by)
          select md5('grant' || r.i)::uuid, r.id, r.unit, r.datasets, '{}', r.filed_at, r.filed_at + interval '1 year', 100, 'api',
                 r.filed_at + case r.i % 5 when 0 then interval '3 days' else interval '5 days' end, 'test'
          from r where r.i % 5 in (0, 3)
          returning id, granted_at, datasets
        )
        insert into special_sharing.grant_reads (grant_id, at, actor, collection, via, records)
        select g.id, g.granted_at + n * interval '2 days', 'test', g.datasets[1 + n % cardinality(g.datasets)], 'items', 10 * n
        from grants g cross join generate_series(1, 3) n;

        -- Outbox messages every five days from May 2025: delivered, dead-lettered or pending by i % 3.
        with m as (
          insert into outbox.messages (target, dataset_id, entity_key, change, created_at, status, attempts, finished_at)
          select (array['ministry', 'ioc'])[1 + i % 2], 'parcels', 'seed-' || i, 'update', (date '2025-05-01' + i * 5 + time '08:00') at time zone 'Asia/Ho_Chi_Minh',
                 (array['delivered', 'dead', 'pending'])[1 + i % 3], i % 3,
                 case i % 3 when 0 then (date '2025-05-01' + i * 5 + time '08:00') at time zone 'Asia/Ho_Chi_Minh' + i * interval '1 minute'
                            when 1 then (date '2025-05-01' + i * 5 + time '08:00') at time zone 'Asia/Ho_Chi_Minh' + interval '2 days' end
          from generate_series(1, 90) i
          returning id, created_at, status, finished_at
        )
        insert into outbox.attempts (message_id, at, outcome, status_code)
        select m.id, m.created_at + interval '1 minute', case m.status when 'delivered' then 'delivered' else 'refused' end, 400 from m
        union all
        select m.id, m.finished_at, 'dead', 400 from m where m.status = 'dead'
        union all
        select m.id, m.finished_at + interval '1 day', 'replayed', null from m where m.status = 'dead' and m.id % 2 = 0;
        """;

    /// <summary>A report's JSON as the test operator (every role) gets it.</summary>
    public async Task<JsonElement> OperationalAsync(string report, string query) => await ReportAsync(report, query);

    /// <summary>Rows of key → figure from a query selecting text, numeric.</summary>
    public async Task<Dictionary<string, decimal>> FiguresAsync(string sql, params object[] values)
    {
        var result = new Dictionary<string, decimal>();
        await using var command = DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetDecimal(1);
        }
        return result;
    }

    public static DateOnly TodayInProvince => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));

    public static string ThisMonth => TodayInProvince.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

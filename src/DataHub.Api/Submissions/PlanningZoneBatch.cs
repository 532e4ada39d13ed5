using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Submissions;

/// <summary>
/// A planning-zones submission (exchange structure v2) inside its transaction: zones are copied
/// (binary COPY) into a staging table, checked together in SQL, and merged into
/// land.planning_zones by their natural key (plan_code, zone_code); the history trigger keeps
/// every previous version and skips no-op updates. Codes and units are taken as on 1 January of
/// period_from: a plan is drawn on the units and code lists in force when its period starts.
/// </summary>
public sealed class PlanningZoneBatch(NpgsqlConnection connection, NpgsqlTransaction transaction) : IRecordBatch
{
    public string StagingTable => "staged_planning_zones";

    public Task CreateStagingAsync(CancellationToken ct) => BatchSql.ExecuteAsync(connection, transaction, $"""
        create unlogged table staged_planning_zones (
          id int not null, plan_code text not null, zone_code text not null, retired boolean not null,
          plan_kind text, planned_purpose_code text, period_from int, period_to int, unit_code text, approved_by text,
          geom geometry, {BatchSql.ChunkColumn}) {BatchSql.StagingPartitioned};
        """, ct);

    public async Task<ulong> StageAsync(IAsyncEnumerable<ValidRecord> records, ProblemList problems, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync("""
            copy staged_planning_zones (id, plan_code, zone_code, retired, plan_kind, planned_purpose_code, period_from, period_to,
                                        unit_code, approved_by, geom) from stdin (format binary)
            """, ct);
        await foreach (var (index, p, retired, geometry) in FeatureGeometry.ZonesAsync(records, problems, multiPolygon: true, ct))
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(index, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(p.GetProperty("plan_code").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(p.GetProperty("zone_code").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(retired, NpgsqlDbType.Boolean, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "plan_kind"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "planned_purpose_code"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(BatchSql.Whole(p, "period_from"), NpgsqlDbType.Integer, ct);
            await importer.WriteOrNullAsync(BatchSql.Whole(p, "period_to"), NpgsqlDbType.Integer, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "unit_code"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "approved_by"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(geometry, NpgsqlDbType.Geometry, ct);
        }
        var staged = await importer.CompleteAsync(ct);
        await importer.DisposeAsync();
        await BatchSql.ToStoredCrsAsync(connection, transaction, "staged_planning_zones", multi: true, ct);
        return staged;
    }

    public async Task CheckAsync(ProblemList problems, CancellationToken ct)
    {
        var checks = BatchSql.GeometryChecks("staged_planning_zones") + $$"""
            union all
            select id, 'properties.period_to', format('period_to %s is before period_from %s.', period_to, period_from)
            from staged_planning_zones
            where not retired and period_to < period_from
            union all
            select id, 'properties.plan_kind', format('Plan kind %s is not valid on %s (code list plan_kind).', plan_kind, make_date(period_from, 1, 1))
            from staged_planning_zones
            where not retired and not {{BatchSql.CodeValidOn("plan_kind", "plan_kind", "make_date(period_from, 1, 1)")}}
            union all
            select id, 'properties.planned_purpose_code',
                   format('Purpose code %s is not valid on %s (code list land_use_purpose).', planned_purpose_code, make_date(period_from, 1, 1))
            from staged_planning_zones
            where not retired and not {{BatchSql.CodeValidOn("land_use_purpose", "planned_purpose_code", "make_date(period_from, 1, 1)")}}
            union all
            select id, 'properties.unit_code',
                   format('Unit %s is not an administrative unit on %s (1 January of period_from).', unit_code, make_date(period_from, 1, 1))
            from staged_planning_zones
            where not retired and not {{BatchSql.UnitValidOn("unit_code", "make_date(period_from, 1, 1)")}}
            union all
            select id, 'properties', format('Duplicate zone (plan %s, zone %s): record %s has the same key.', plan_code, zone_code, first)
            from (select id, plan_code, zone_code, min(id) over w as first
                  from staged_planning_zones window w as (partition by plan_code, zone_code)) d
            where id <> first
            union all
            select s.id, 'properties', format('There is no zone (plan %s, zone %s) to retire.', s.plan_code, s.zone_code)
            from staged_planning_zones s
            where s.retired and not exists (select 1 from land.planning_zones z where (z.plan_code, z.zone_code) = (s.plan_code, s.zone_code))
            order by 1, 2
            """;
        await BatchSql.ReadProblemsAsync(connection, transaction, checks, problems, ct);
    }

    public Task DropAsync(IReadOnlySet<int> records, CancellationToken ct) =>
        BatchSql.ExecuteAsync(connection, transaction, "delete from staged_planning_zones where id = any($1)", ct, records.ToArray());

    /// <summary>
    /// Upserts by (plan_code, zone_code), then retires. An update that changes nothing is skipped by
    /// the history trigger and returns no row: it counts as unchanged. The zone keeps its id.
    /// </summary>
    public async Task<BatchCounts> MergeAsync(CancellationToken ct)
    {
        await BatchSql.ExecuteAsync(connection, transaction, """
            drop table if exists pg_temp.merged_zones; -- left by the previous chunk's merge
            create temp table merged_zones (inserted boolean not null) on commit drop;
            with upserted as (
              insert into land.planning_zones (plan_code, zone_code, plan_kind, planned_purpose_code, period_from, period_to, unit_code, approved_by, geom)
              select plan_code, zone_code, plan_kind, planned_purpose_code, period_from, period_to, unit_code, approved_by, geom
              from staged_planning_zones where not retired order by id
              on conflict on constraint planning_zones_natural_key do update set
                plan_kind = excluded.plan_kind, planned_purpose_code = excluded.planned_purpose_code, period_from = excluded.period_from,
                period_to = excluded.period_to, unit_code = excluded.unit_code, approved_by = excluded.approved_by, geom = excluded.geom
              returning xmax = 0 as inserted)
            insert into merged_zones select inserted from upserted;
            """, ct);
        return await BatchSql.CountsAsync(connection, transaction, """
            with gone as (
              delete from land.planning_zones z using staged_planning_zones s
              where s.retired and (z.plan_code, z.zone_code) = (s.plan_code, s.zone_code)
              returning z.id)
            select (select count(*) from merged_zones where inserted), (select count(*) from merged_zones where not inserted),
                   (select count(*) from gone), (select count(*) from staged_planning_zones where not retired)
            """, ct);
    }
}

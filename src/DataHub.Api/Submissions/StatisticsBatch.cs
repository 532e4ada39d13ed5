using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Submissions;

/// <summary>
/// A land-statistics submission: figures are copied (binary COPY) into a
/// staging table, checked together in SQL against the units and code lists in force
/// on 31 December of their year, and upserted into land.statistics by its key (unit, purpose,
/// user type, year); the history trigger keeps every previous figure and skips no-op updates.
/// </summary>
public sealed class StatisticsBatch(NpgsqlConnection connection, NpgsqlTransaction transaction) : IRecordBatch
{
    public string StagingTable => "staged_statistics";

    public Task CreateStagingAsync(CancellationToken ct) => ExecuteAsync($"""
        create unlogged table staged_statistics (
          id int not null, unit_code text not null, purpose_code text not null, user_type_code text not null,
          year int not null, area_m2 numeric not null, source text not null, {BatchSql.ChunkColumn}) {BatchSql.StagingPartitioned};
        """, ct);

    public async Task<ulong> StageAsync(IAsyncEnumerable<ValidRecord> records, ProblemList problems, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "copy staged_statistics (id, unit_code, purpose_code, user_type_code, year, area_m2, source) from stdin (format binary)", ct);
        await foreach (var (index, p, area) in Figures(records, problems, ct))
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(index, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(p.GetProperty("unit_code").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(p.GetProperty("purpose_code").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(p.GetProperty("user_type_code").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(p.GetProperty("year").GetInt32(), NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(area, NpgsqlDbType.Numeric, ct);
            await importer.WriteAsync(p.GetProperty("source").GetString()!, NpgsqlDbType.Text, ct);
        }
        return await importer.CompleteAsync(ct);
    }

    /// <summary>
    /// The exchange structure has already fixed every field's presence, type and range; what is
    /// left is a number that JSON allows but a decimal cannot hold (e.g. 1e-400).
    /// </summary>
    private static async IAsyncEnumerable<(int Index, JsonElement Properties, decimal Area)> Figures(
        IAsyncEnumerable<ValidRecord> records, ProblemList problems, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in records.WithCancellation(ct))
        {
            var p = record.Feature.GetProperty("properties");
            if (!p.GetProperty("area_m2").TryGetDecimal(out var area))
            {
                var id = record.Feature.TryGetProperty("id", out var f) ? f.ToString() : null;
                problems.Add(new SubmissionProblem(record.Index, id, "properties.area_m2", $"area_m2 {p.GetProperty("area_m2").GetRawText()} is not a usable number of square metres."));
                continue;
            }
            yield return (record.Index, p, Math.Round(area, 1, MidpointRounding.AwayFromZero));
        }
    }

    public async Task CheckAsync(ProblemList problems, CancellationToken ct)
    {
        // A figure describes the state at the end of its year: units and codes are taken as on 31 December.
        var checks = $$"""
            select id, 'properties.unit_code', format('Unit %s is not an administrative unit on %s (31 December of the year).', unit_code, make_date(year, 12, 31))
            from staged_statistics
            where not {{BatchSql.UnitValidOn("unit_code", "make_date(year, 12, 31)")}}
            union all
            select id, 'properties.purpose_code', format('Purpose code %s is not valid on %s (code list land_use_purpose).', purpose_code, make_date(year, 12, 31))
            from staged_statistics
            where not {{BatchSql.CodeValidOn("land_use_purpose", "purpose_code", "make_date(year, 12, 31)")}}
            union all
            select id, 'properties.user_type_code', format('User type code %s is not valid on %s (code list land_user_type).', user_type_code, make_date(year, 12, 31))
            from staged_statistics
            where not {{BatchSql.CodeValidOn("land_user_type", "user_type_code", "make_date(year, 12, 31)")}}
            union all
            select id, 'properties', format('Duplicate figure (unit %s, purpose %s, user type %s, year %s): record %s has the same key.', unit_code, purpose_code, user_type_code, year, first)
            from (select id, unit_code, purpose_code, user_type_code, year, min(id) over w as first, count(*) over w as n
                  from staged_statistics window w as (partition by unit_code, purpose_code, user_type_code, year)) d
            where n > 1 and id <> first
            order by 1, 2
            """;
        await BatchSql.ReadProblemsAsync(connection, transaction, checks, problems, ct);
    }

    public Task DropAsync(IReadOnlySet<int> records, CancellationToken ct) =>
        ExecuteAsync("delete from staged_statistics where id = any($1)", ct, records.ToArray());

    public async Task<BatchCounts> MergeAsync(CancellationToken ct)
    {
        // Updates that change nothing are skipped by the history trigger and return no row: "unchanged".
        return await BatchSql.CountsAsync(connection, transaction, """
            with upserted as (
              insert into land.statistics (unit_code, purpose_code, user_type_code, year, area_m2, source)
              select unit_code, purpose_code, user_type_code, year, area_m2, source from staged_statistics order by id
              on conflict (unit_code, purpose_code, user_type_code, year) do update set
                area_m2 = excluded.area_m2, source = excluded.source
              returning xmax = 0 as inserted)
            select (select count(*) from upserted where inserted), (select count(*) from upserted where not inserted),
                   0::bigint, (select count(*) from staged_statistics)
            """, ct);
    }

    private Task ExecuteAsync(string sql, CancellationToken ct, params object[] values) =>
        BatchSql.ExecuteAsync(connection, transaction, sql, ct, values);
}

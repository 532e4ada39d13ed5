using DataHub.Api.Infrastructure.Api;
using System.Text.Json;
using DataHub.Api.Infrastructure.Database;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Submissions;

/// <summary>What the record batches share: running a statement in the submission's transaction, reading a checks query, the checks themselves.</summary>
public static class BatchSql
{
    /// <summary>
    /// The staging tables' chunk number: the staging transaction that wrote the row sets it
    /// (<see cref="SubmissionStaging"/>), so the merge can take each committed chunk while the next
    /// one is staged. The tables are partitioned by it (<see cref="StagingPartitioned"/>).
    /// </summary>
    public const string ChunkColumn = "chunk int not null default current_setting('datahub.chunk')::int";

    /// <summary>What follows a staging table's columns: one unlogged partition per chunk (SubmissionStaging.AddChunkAsync).</summary>
    public const string StagingPartitioned = "partition by list (chunk)";

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.AddValues(values);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Brings a staging table's geometries into the stored CRS (VN-2000, EPSG:9212), as multi
    /// geometries when <paramref name="multi"/>. Done while staging, so that the checks and the
    /// merge then run side by side on the same rows.
    /// </summary>
    public static Task ToStoredCrsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, bool multi, CancellationToken ct) =>
        ExecuteAsync(connection, transaction,
            $"update {table} set geom = {(multi ? "ST_Multi(ST_Transform(geom, 9212))" : "ST_Transform(geom, 9212)")} where not retired and ST_SRID(geom) <> 9212", ct);

    /// <summary>Runs a checks query whose rows are (record index, field path, message) and adds each as a problem.</summary>
    public static async Task ReadProblemsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string checks, ProblemList problems, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(checks, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            problems.Add(new SubmissionProblem(reader.GetInt32(0), null, reader.GetString(1), reader.GetString(2)));
        }
    }

    /// <summary>Runs a merge statement whose one row is (inserted, updated, retired, upserted records) and turns it into counts.</summary>
    public static async Task<BatchCounts> CountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (inserted, updated, retired, total) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3));
        return new BatchCounts(inserted, updated, total - inserted - updated, retired);
    }

    /// <summary>
    /// SQL that is true when <paramref name="code"/> is a code of <paramref name="list"/> valid on
    /// <paramref name="day"/> (both SQL expressions over the staged row). The same rule as
    /// ref.code_valid, written as a correlated EXISTS so the planner joins it over the whole batch:
    /// a function call per row cost 15-20 us (docs/performance.md, ingest profile).
    /// </summary>
    public static string CodeValidOn(string list, string code, string day) => CodeInListValidOn($"'{list}'", code, day);

    /// <summary>As <see cref="CodeValidOn"/>, with the code list given by an SQL expression (one pass over several lists).</summary>
    public static string CodeInListValidOn(string list, string code, string day) =>
        $"exists (select 1 from ref.codes rc where rc.list_id = {list} and rc.code = {code} and rc.valid_from <= {day} and (rc.valid_to is null or {day} < rc.valid_to))";

    /// <summary>SQL that is true when <paramref name="code"/> is an administrative unit on <paramref name="day"/>: ref.unit_at's rule, without reading the unit's boundary.</summary>
    public static string UnitValidOn(string code, string day) =>
        $"exists (select 1 from ref.admin_units a where a.code = {code} and a.valid_from <= {day} and (a.valid_to is null or {day} < a.valid_to))";

    /// <summary>The geometry checks every spatial batch makes: valid (with the reason and where), and inside Viet Nam.</summary>
    public static string GeometryChecks(string table) => $"""
        select id, 'geometry', 'The geometry is not valid: ' || v.reason || coalesce(' at ' || ST_AsText(ST_Transform(ST_SetSRID(v.location, ST_SRID(geom)), 4326), 7) || ' (lon lat)', '') || '.'
        from {table}, lateral ST_IsValidDetail(geom) v
        where not retired and not v.valid
        union all
        select id, 'geometry', 'The geometry lies outside Viet Nam (check the declared CRS and the axis order).'
        from {table}
        where not retired and not {InsideVietNam("geom")}
        """;

    /// <summary>Viet Nam's box (102-110° E, 8-24° N) as a VN-2000 box: its edges densified, transformed, enveloped.</summary>
    public const string VietNamInVn2000 = "ST_Envelope(ST_Transform(ST_Segmentize(ST_MakeEnvelope(102, 8, 110, 24, 4326), 0.05), 9212))";

    /// <summary>
    /// SQL that is true when <paramref name="geometry"/> lies within Viet Nam's box (102-110° E,
    /// 8-24° N): a check of the declared CRS and the axis order, not of the border. A VN-2000
    /// geometry is compared by bounding box with the box's extent in VN-2000, computed once per
    /// statement; transforming every record's envelope to WGS 84 instead cost 0.4 s per 100,000
    /// records (docs/performance.md, ingest).
    /// </summary>
    public static string InsideVietNam(string geometry) => $"""
        (case ST_SRID({geometry})
           when 9212 then {geometry} @ (select {VietNamInVn2000})
           else ST_Within(ST_Transform(ST_Envelope({geometry}), 4326), ST_MakeEnvelope(102, 8, 110, 24, 4326)) end)
        """;

    // Reading the properties of a record that passed its structure: a field is there with its type, or absent (a retirement).
    public static string? Text(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? Whole(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    public static DateOnly? Date(JsonElement p, string name) =>
        Text(p, name) is { } text && IsoDate.TryParse(text, out var day) ? day : null;

    public static Task WriteOrNullAsync(this NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);

    public static Task WriteOrNullAsync(this NpgsqlBinaryImporter importer, int? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value.Value, type, ct);

    public static Task WriteOrNullAsync(this NpgsqlBinaryImporter importer, decimal? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value.Value, type, ct);

    public static Task WriteOrNullAsync(this NpgsqlBinaryImporter importer, DateOnly? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value.Value, type, ct);

    public static Task WriteOrNullAsync(this NpgsqlBinaryImporter importer, Geometry? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);
}

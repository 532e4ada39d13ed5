using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using DataHub.Api.Collections;
using DataHub.Api.Grants;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Submissions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using DataHub.Api.Infrastructure.Scheduling;

namespace DataHub.Api.Extraction;

/// <summary>
/// What a user asks to extract. Area: a bbox (WGS 84 lon/lat), a unit code, or a GeoJSON geometry (WGS 84).
/// Crs: the CRS (URI) a GeoPackage's geometries are written in, CRS84 when not given.
/// </summary>
public sealed record ExtractionRequest(string? Dataset, IReadOnlyList<string>? Fields, string? Filter, JsonElement? Area, string? Format, string? Crs = null);

/// <summary>A job as the API shows it.</summary>
public sealed record ExtractionJob(
    Guid Id, string Dataset, IReadOnlyList<string> Fields, string? Filter, JsonElement? Area, string Format,
    string RequestedBy, string Status, long? RowsTotal, long RowsWritten, double? Progress, long? FileBytes,
    string? Error, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, DateTimeOffset? ExpiresAt,
    [property: JsonIgnore] string? FileName, Guid? GrantId = null, string? Crs = null);

/// <summary>
/// Extraction jobs: checked when asked for, run by <see cref="ExtractionWorker"/>, recorded in
/// extraction.jobs, their files deleted when they expire. The query is the collections' own:
/// the caller's scope (ReadScope), the CQL2 filter through the same translator, rows streamed
/// from PostgreSQL to the file.
/// </summary>
public sealed class Extractions(NpgsqlDataSource dataSource, Catalogue catalogue, Endings<ExtractionWorker> endings, Wakeup<ExtractionWorker> wakeup, IOptions<ExtractionSettings> settings)
{
    public string Folder { get; } = settings.Value.FolderOrDefault;

    public TimeSpan Lifetime { get; } = settings.Value.Lifetime;

    private const string Columns = """
        id, dataset_id, fields, filter, area::text, format, requested_by, status, rows_total, rows_written, file_bytes,
        error, requested_at, finished_at, expires_at, file_name, grant_id, crs
        """;

    /// <summary>
    /// The scope of a job: default sharing (public fields of default-shared datasets), or the
    /// scope of the special-request grant the job was made for, which widens it (other fields,
    /// personal ones when named) and narrows it (the grant's rows and area) at once.
    /// </summary>
    public static ReadScope ScopeFor(Dataset dataset, ReadScope? grant = null) => grant ?? ReadScope.DefaultSharing(dataset);

    /// <summary>
    /// Queues the one-off extract of a grant (special-request sharing, delivery "extract") in the
    /// approval's transaction: the grant's fields of one dataset, its rows through the grant's
    /// scope when the job runs, not before the grant starts; its file kept for <paramref name="lifetime"/>.
    /// Nobody's own job: the grantee downloads it through the grant.
    /// </summary>
    public async Task<Guid> QueueForGrantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid grantId, Dataset dataset,
        IReadOnlyList<string> fields, string format, DateTimeOffset runAfter, TimeSpan lifetime, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var command = new NpgsqlCommand("""
            insert into extraction.jobs (id, dataset_id, fields, format, requested_by, status, grant_id, run_after, expires_after)
            values ($1, $2, $3, $4, $5, 'queued', $6, $7, $8)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = dataset.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = fields.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = format });
        command.Parameters.Add(new NpgsqlParameter { Value = $"grant:{grantId}" });
        command.Parameters.Add(new NpgsqlParameter { Value = grantId });
        command.Parameters.Add(new NpgsqlParameter { Value = runAfter });
        command.Parameters.Add(new NpgsqlParameter { Value = lifetime });
        await command.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>
    /// Wakes this process's worker for jobs queued in a transaction that has since committed
    /// (a grant's extracts); before the commit it would look, find nothing and sleep a poll.
    /// </summary>
    public void Wake() => wakeup.Notify();

    /// <summary>The jobs made for a grant, oldest first.</summary>
    public async Task<IReadOnlyList<ExtractionJob>> ForGrantAsync(Guid grantId, CancellationToken ct)
    {
        var jobs = new List<ExtractionJob>();
        await using var command = dataSource.CreateCommand($"select {Columns} from extraction.jobs where grant_id = $1 order by requested_at, dataset_id");
        command.Parameters.Add(new NpgsqlParameter { Value = grantId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            jobs.Add(Read(reader));
        }
        return jobs;
    }

    /// <summary>Checks the request; returns problems by field, or the queued job.</summary>
    public async Task<(ExtractionJob? Job, Dictionary<string, string[]> Errors)> CreateAsync(
        ExtractionRequest request, string requestedBy, string? clientAddress, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
        var dataset = request.Dataset is { } id ? await catalogue.FindAsync(id, ct) : null;
        if (dataset is not { DefaultShared: true })
        {
            Fail("dataset", $"'{request.Dataset}' is not a dataset you may extract; see /api/v1/collections.");
            return (null, errors);
        }
        var scope = ScopeFor(dataset);
        var fields = request.Fields is { Count: > 0 } named ? named.ToList() : scope.Fields.Select(f => f.Name).ToList();
        foreach (var name in fields.Where(n => scope.Fields.All(f => f.Name != n)))
        {
            Fail("fields", $"'{name}' is not a field of '{dataset.Id}' you may read. Fields: {string.Join(", ", scope.Fields.Select(f => f.Name))}.");
        }
        var format = ExtractionFormats.Find(request.Format ?? ExtractionFormats.GeoJson.Name);
        if (format is null)
        {
            Fail("format", $"Unknown format '{request.Format}'. Formats: {ExtractionFormats.Names}.");
        }
        if (request.Crs is { } crsUri)
        {
            if (CrsRegistry.Find(crsUri) is null)
            {
                Fail("crs", $"Unknown CRS '{crsUri}'. CRSs: {string.Join(", ", CrsRegistry.Supported.Select(c => c.Uri))}.");
            }
            else if (format != ExtractionFormats.GeoPackage || !dataset.IsSpatial)
            {
                // GeoJSON is CRS84 by definition (RFC 7946); CSV keeps the same coordinates as GeoJSON.
                Fail("crs", $"A CRS applies only to gpkg extracts of a dataset with geometry; {format?.Name ?? request.Format} files of '{dataset.Id}' are in CRS84.");
            }
        }
        if (request.Area is { } area && area.ValueKind != JsonValueKind.Null && !dataset.IsSpatial)
        {
            Fail("area", $"'{dataset.Id}' has no geometry, so an area does not apply.");
        }
        if (errors.Count == 0)
        {
            try
            {
                // Translated now, so that a bad filter or area is refused at once, not in the job.
                Query(dataset, scope, fields, request.Filter, request.Area, new SqlBuilder());
            }
            catch (FilterException e)
            {
                Fail("filter", e.Message);
            }
            catch (ArgumentException e)
            {
                Fail("area", e.Message);
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        await using var command = dataSource.CreateCommand($"""
            insert into extraction.jobs (id, dataset_id, fields, filter, area, format, requested_by, client_address, status, crs)
            values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, 'queued', $9) returning {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = dataset.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = fields.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)request.Filter ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = request.Area is { ValueKind: not JsonValueKind.Null } a ? a.GetRawText() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = format!.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = requestedBy });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)clientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)CrsRegistry.Find(request.Crs ?? "")?.Uri ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        ExtractionJob job;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            job = Read(reader);
        }
        wakeup.Notify(); // this process's worker takes it now, not at its next poll
        return (job, errors);
    }

    public async Task<ExtractionJob?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from extraction.jobs where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>The newest jobs, of one requester or (requestedBy null) of everyone.</summary>
    public async Task<IReadOnlyList<ExtractionJob>> RecentAsync(int limit, string? requestedBy, CancellationToken ct)
    {
        var jobs = new List<ExtractionJob>();
        await using var command = dataSource.CreateCommand($"select {Columns} from extraction.jobs where $2::text is null or requested_by = $2 order by requested_at desc limit $1");
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)requestedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            jobs.Add(Read(reader));
        }
        return jobs;
    }

    public string PathOf(ExtractionJob job) => Path.Combine(Folder, job.FileName!);

    /// <summary>Runs the oldest queued job, if any; false when there was none.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        Guid id;
        await using (var claim = dataSource.CreateCommand("""
            update extraction.jobs set status = 'running', started_at = now()
            where id = (select id from extraction.jobs where status = 'queued' and (run_after is null or run_after <= now())
                        order by requested_at limit 1 for update skip locked)
            returning id
            """))
        {
            if (await claim.ExecuteScalarAsync(ct) is not Guid claimed)
            {
                return false;
            }
            id = claimed;
        }
        var job = (await FindAsync(id, ct))!;
        var format = ExtractionFormats.Of(job);
        var file = $"{job.Id}.{format.Extension}";
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, file);
        try
        {
            var dataset = await catalogue.FindAsync(job.Dataset, ct) ?? throw new InvalidOperationException($"dataset {job.Dataset} is gone");
            var scope = ScopeFor(dataset, job.GrantId is { } grant ? await GrantScopes.ForExtractAsync(dataSource, grant, dataset, ct) : null);
            var sql = new SqlBuilder();
            var (where, visible) = Query(dataset, scope, job.Fields, job.Filter, job.Area, sql);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            // One snapshot: the count that drives the progress and the rows written agree.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            await using (var count = sql.CreateCommand(connection, transaction, ItemsSql.Count(dataset, where)))
            {
                await SetAsync(id, "rows_total = $2", (long)(await count.ExecuteScalarAsync(ct))!, ct);
            }
            long written;
            if (format == ExtractionFormats.GeoPackage)
            {
                var crs = CrsRegistry.Find(job.Crs ?? "") ?? CrsRegistry.Crs84;
                written = await GeoPackageExtract.WriteAsync(connection, transaction, dataset, visible, where, sql, crs, path, n => ProgressAsync(id, n, ct), ct);
            }
            else
            {
                await using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                written = format == ExtractionFormats.Csv
                    ? await WriteCsvAsync(connection, transaction, dataset, visible, where, sql, output, id, ct)
                    : await WriteGeoJsonAsync(connection, transaction, dataset, visible, where, sql, output, id, ct);
            }
            await transaction.CommitAsync(ct);
            await using var done = dataSource.CreateCommand("""
                update extraction.jobs set status = 'done', rows_written = $2, file_name = $3, file_bytes = $4,
                       finished_at = now(), expires_at = now() + coalesce(expires_after, $5) where id = $1
                """);
            done.Parameters.Add(new NpgsqlParameter { Value = id });
            done.Parameters.Add(new NpgsqlParameter { Value = written });
            done.Parameters.Add(new NpgsqlParameter { Value = file });
            done.Parameters.Add(new NpgsqlParameter { Value = new FileInfo(path).Length });
            done.Parameters.Add(new NpgsqlParameter { Value = Lifetime });
            await done.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            File.Delete(path);
            await SetAsync(id, "status = 'failed', error = $2, finished_at = now()", e.Message, CancellationToken.None);
        }
        endings.Ended(); // status requests waiting for it (Prefer: wait) look now
        return true;
    }

    /// <summary>Deletes the files of expired jobs and marks them expired; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken ct)
    {
        var expired = new List<(Guid, string?)>();
        await using (var command = dataSource.CreateCommand("""
            update extraction.jobs set status = 'expired' where status = 'done' and expires_at <= now() returning id, file_name
            """))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                expired.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }
        foreach (var (_, file) in expired.Where(e => e.Item2 is not null))
        {
            File.Delete(Path.Combine(Folder, file!));
        }
        return expired.Count;
    }

    private const string AreaShapes = "area is {\"bbox\": [w, s, e, n]}, {\"unit\": \"<code>\"} or {\"geometry\": <GeoJSON geometry in WGS 84>}.";

    // The area's geometry as WKT, once NetTopologySuite has read it and found it valid.
    private static string AreaGeometry(JsonElement geometry)
    {
        Geometry? shape;
        try
        {
            shape = FeatureGeometry.Parse(geometry);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The JSON readers' own words name .NET types; what they mean is this.
            throw new ArgumentException("area.geometry is not a GeoJSON geometry: its \"coordinates\" are not nested as RFC 7946 gives them for its \"type\" (a Polygon: rings of [x, y] positions).");
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ArgumentException($"area.geometry is not a GeoJSON geometry: {e.Message}");
        }
        if (shape is null || shape.IsEmpty)
        {
            throw new ArgumentException("area.geometry is empty.");
        }
        if (new IsValidOp(shape).ValidationError is { } error)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"area.geometry is not valid: {error.Message} near {error.Coordinate?.X} {error.Coordinate?.Y}."));
        }
        return new WKTWriter(2).Write(shape);
    }

    /// <summary>The SQL condition of the job (scope, filter, area) and the fields it writes.</summary>
    private static (string Where, IReadOnlyList<DatasetField> Visible) Query(
        Dataset dataset, ReadScope scope, IReadOnlyList<string> fields, string? filter, JsonElement? area, SqlBuilder sql)
    {
        var visible = scope.Fields.Where(f => fields.Contains(f.Name)).ToList();
        double[]? bbox = null;
        var conditions = new List<string>();
        if (area is { ValueKind: not JsonValueKind.Null } given && given.ValueKind != JsonValueKind.Object)
        {
            // Not an area at all: extracting the whole dataset instead would answer another question.
            throw new ArgumentException(AreaShapes);
        }
        if (area is { ValueKind: JsonValueKind.Object } a && dataset.GeometryColumn is { } g)
        {
            var column = SqlBuilder.Identifier(g);
            if (a.TryGetProperty("bbox", out var box))
            {
                bbox = box.ValueKind == JsonValueKind.Array && box.GetArrayLength() == 4 && box.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number)
                    ? box.EnumerateArray().Select(v => v.GetDouble()).ToArray()
                    : throw new ArgumentException("area.bbox takes four numbers: west, south, east, north (WGS 84).");
                if (bbox is not [>= -180 and <= 180 and var w, >= -90 and <= 90 and var s, >= -180 and <= 180 and var e, >= -90 and <= 90 and var n] || s > n)
                {
                    throw new ArgumentException("area.bbox is west, south, east, north in WGS 84: longitudes in [-180, 180], latitudes in [-90, 90], south <= north (a west edge east of the east edge is a box across the antimeridian, as in the items' bbox).");
                }
            }
            else if (a.TryGetProperty("unit", out var unit) && unit.ValueKind == JsonValueKind.String)
            {
                // The unit's latest boundary, in the storage CRS: written by the hub, not by the caller.
                conditions.Add($"""
                    {column} && (select u.boundary from ref.admin_units u where u.code = {sql.Add(unit.GetString())} order by u.valid_from desc limit 1)
                    and ST_Intersects({column}, (select u.boundary from ref.admin_units u where u.code = {sql.Add(unit.GetString())} order by u.valid_from desc limit 1))
                    """);
            }
            else if (a.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object)
            {
                // Read and checked here, so that the job is refused now rather than failing later,
                // and PostGIS gets the geometry that was checked.
                var shape = $"ST_Transform(ST_GeomFromText({sql.Add(AreaGeometry(geometry), NpgsqlDbType.Text)}, 4326), {dataset.StorageSrid})";
                conditions.Add($"({column} && {shape} and ST_Intersects({column}, {shape}))");
            }
            else
            {
                throw new ArgumentException(AreaShapes);
            }
        }
        var request = new ItemsRequest(1, 0, bbox, CrsRegistry.Crs84, null, CrsRegistry.Crs84, filter, CrsRegistry.Crs84, [], [], "json");
        // The filter may use any field of the scope, not only those written.
        conditions.Insert(0, ItemsSql.Where(dataset, scope, request, sql, Filters.Translate));
        return (string.Join(" and ", conditions), visible);
    }

    private async Task<long> WriteGeoJsonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Dataset dataset,
        IReadOnlyList<DatasetField> visible, string where, SqlBuilder sql, Stream output, Guid id, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16);
        await writer.WriteAsync("""{"type":"FeatureCollection","features":[""");
        long n = 0;
        await using (var command = sql.CreateCommand(connection, transaction, $"""
            select {ItemsSql.FeatureJson(dataset, visible, CrsRegistry.Crs84)} from {SqlBuilder.Relation(dataset.SourceRelation)}
            where {where} order by {SqlBuilder.Identifier(dataset.KeyColumn)}
            """))
        await using (var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct))
        {
            while (await reader.ReadAsync(ct))
            {
                await writer.WriteAsync(n++ == 0 ? "" : ",");
                await writer.WriteAsync(reader.GetString(0));
                await ProgressAsync(id, n, ct);
            }
        }
        await writer.WriteAsync("]}");
        return n;
    }

    private async Task<long> WriteCsvAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Dataset dataset,
        IReadOnlyList<DatasetField> visible, string where, SqlBuilder sql, Stream output, Guid id, CancellationToken ct)
    {
        var columns = new List<string> { SqlBuilder.Identifier(dataset.KeyColumn) };
        columns.AddRange(visible.Where(f => !f.IsGeometry).Select(f => SqlBuilder.Identifier(f.Column)));
        var geometry = dataset.GeometryColumn is { } g && visible.Any(f => f.IsGeometry);
        if (geometry)
        {
            columns.Add($"ST_AsText({ItemsSql.GeometryIn(SqlBuilder.Identifier(dataset.GeometryColumn!), dataset.StorageSrid!.Value, CrsRegistry.Crs84)}, 7)");
        }
        await using var text = new StreamWriter(output, new UTF8Encoding(true), 1 << 16);
        await using var csv = CsvWriter.Create(text, new CsvWriterOptions(), false);
        csv.WriteField("id");
        foreach (var field in visible.Where(f => !f.IsGeometry))
        {
            csv.WriteField(field.Name);
        }
        if (geometry)
        {
            csv.WriteField("wkt");
        }
        await csv.EndRecordAsync(ct);
        long n = 0;
        await using var command = sql.CreateCommand(connection, transaction, $"""
            select {string.Join(", ", columns)} from {SqlBuilder.Relation(dataset.SourceRelation)}
            where {where} order by {SqlBuilder.Identifier(dataset.KeyColumn)}
            """);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                csv.WriteField(await reader.IsDBNullAsync(i, ct) ? "" : Format(reader.GetValue(i)));
            }
            await csv.EndRecordAsync(ct);
            await ProgressAsync(id, ++n, ct);
        }
        return n;
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        string[] list => string.Join(';', list),
        DateTime t => t.Kind == DateTimeKind.Unspecified ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Progress is written outside the job's snapshot, every 1,000 rows.
    private Task ProgressAsync(Guid id, long rows, CancellationToken ct) =>
        rows % 1000 == 0 ? SetAsync(id, "rows_written = $2", rows, ct) : Task.CompletedTask;

    private async Task SetAsync(Guid id, string assignments, object value, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"update extraction.jobs set {assignments} where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static ExtractionJob Read(NpgsqlDataReader r)
    {
        long? total = r.IsDBNull(8) ? null : r.GetInt64(8);
        var written = r.GetInt64(9);
        var status = r.GetString(7);
        double? progress = status == "done" || status == "expired" ? 1 : total is > 0 ? Math.Min(1, (double)written / total.Value) : total == 0 ? 1 : null;
        return new ExtractionJob(r.GetGuid(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : JsonDocument.Parse(r.GetString(4)).RootElement, r.GetString(5), r.GetString(6), status, total, written,
            progress, r.IsDBNull(10) ? null : r.GetInt64(10), r.IsDBNull(11) ? null : r.GetString(11), r.GetFieldValue<DateTimeOffset>(12),
            r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
            r.IsDBNull(15) ? null : r.GetString(15), r.IsDBNull(16) ? null : r.GetGuid(16), r.IsDBNull(17) ? null : r.GetString(17));
    }
}

/// <summary>Runs queued extraction jobs and deletes expired files (Extractions:PollMilliseconds, default 1000).</summary>
public sealed partial class ExtractionWorker(Extractions extractions, Wakeup<ExtractionWorker> wakeup, IOptions<ExtractionSettings> settings, ILogger<ExtractionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(settings.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await extractions.ExpireAsync(stoppingToken);
                if (await extractions.RunNextAsync(stoppingToken))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                LogFailed(logger, e);
            }
            await wakeup.WaitAsync(idle, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An extraction step failed; it is tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Backups;

/// <summary>The rows of backups.runs, backups.drills and backups.alerts.</summary>
public sealed class BackupStore(NpgsqlDataSource dataSource)
{
    public sealed record Run(string Id, string Status, string Trigger, string Target, bool MeetsRegulation, DateTimeOffset StartedAt,
        DateTimeOffset? FinishedAt, long? SizeBytes, string? Sha256, DateTimeOffset? VerifiedAt, string? Error, JsonElement? Manifest, DateTimeOffset? RemovedAt);

    public sealed record Drill(long Id, string? BackupId, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
        string ScratchDatabase, int? Tables, IReadOnlyList<string>? Mismatches, string? Error);

    private async Task ExecuteAsync(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is NpgsqlParameter p ? p : new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter Jsonb(object? value) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, BackupManifest.Json) };

    public Task StartedAsync(string id, string trigger, string target, bool meetsRegulation, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync("insert into backups.runs (id, status, trigger, target, meets_regulation, started_at) values ($1, 'running', $2, $3, $4, $5)",
            ct, id, trigger, target, meetsRegulation, at);

    public Task SucceededAsync(BackupManifest manifest, DateTimeOffset verifiedAt, CancellationToken ct) =>
        ExecuteAsync("""
            update backups.runs set status = 'succeeded', finished_at = $2, size_bytes = $3, sha256 = $4, verified_at = $5, manifest = $6
            where id = $1
            """, ct, manifest.Id, manifest.FinishedAt, manifest.SizeBytes, manifest.Sha256, verifiedAt, Jsonb(manifest));

    public Task FailedAsync(string id, string error, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync("update backups.runs set status = 'failed', finished_at = $2, error = $3 where id = $1", ct, id, at, error);

    public Task RemovedAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync("update backups.runs set status = 'removed', removed_at = $2 where id = $1 and status = 'succeeded'", ct, id, at);

    public async Task<long> DrillStartedAsync(string? backupId, string scratch, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "insert into backups.drills (backup_id, status, started_at, scratch_db) values ($1, 'running', $2, $3) returning id");
        command.Parameters.Add(new() { Value = (object?)backupId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = scratch });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public Task DrillEndedAsync(long id, string? backupId, bool passed, int? tables, IReadOnlyList<string>? mismatches, string? error, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync("""
            update backups.drills set backup_id = coalesce($2, backup_id), status = $3, finished_at = $4, tables = $5, mismatches = $6, error = $7
            where id = $1
            """, ct, id, backupId, passed ? "passed" : "failed", at, tables, Jsonb(mismatches), error);

    public Task AlertAsync(string eventType, string? subject, string message, CancellationToken ct) =>
        ExecuteAsync("insert into backups.alerts (event_type, subject, message) values ($1, $2, $3)", ct, eventType, subject, message);

    public async Task<IReadOnlyList<Run>> RunsAsync(string? id, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select id, status, trigger, target, meets_regulation, started_at, finished_at, size_bytes, sha256, verified_at, error,
                   case when $1::text is null then null else manifest end, removed_at
            from backups.runs where $1::text is null or id = $1 order by started_at desc limit $2
            """);
        command.Parameters.Add(new() { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var runs = new List<Run>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new Run(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4),
                reader.GetFieldValue<DateTimeOffset>(5), Nullable<DateTimeOffset>(reader, 6), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), Nullable<DateTimeOffset>(reader, 9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : JsonDocument.Parse(reader.GetString(11)).RootElement, Nullable<DateTimeOffset>(reader, 12)));
        }
        return runs;
    }

    public async Task<IReadOnlyList<Drill>> DrillsAsync(int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select id, backup_id, status, started_at, finished_at, scratch_db, tables, mismatches, error
            from backups.drills order by started_at desc, id desc limit $1
            """);
        command.Parameters.Add(new() { Value = limit });
        var drills = new List<Drill>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            drills.Add(new Drill(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), Nullable<DateTimeOffset>(reader, 4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<List<string>>(reader.GetString(7)), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return drills;
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}

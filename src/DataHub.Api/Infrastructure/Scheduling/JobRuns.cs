using Npgsql;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>The last run of each hub job (jobs.last_runs), whichever node ran it.</summary>
public sealed class JobRuns(NpgsqlDataSource dataSource)
{
    public sealed record LastRun(string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string InstanceId,
        string FireId, bool Manual, string? Result, string? Error);

    public async Task StartedAsync(string job, string instanceId, string fireId, bool manual, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            insert into jobs.last_runs (job_name, status, started_at, finished_at, instance_id, fire_id, manual, result, error)
            values ($1, 'running', $2, null, $3, $4, $5, null, null)
            on conflict (job_name) do update set status = 'running', started_at = excluded.started_at, finished_at = null,
              instance_id = excluded.instance_id, fire_id = excluded.fire_id, manual = excluded.manual, result = null, error = null
            """);
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = instanceId });
        command.Parameters.Add(new() { Value = fireId });
        command.Parameters.Add(new() { Value = manual });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends the run that started with this fire id (a later run that began meanwhile is left alone).</summary>
    public async Task FinishedAsync(string job, string fireId, bool succeeded, string? result, string? error, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            update jobs.last_runs set status = $3, finished_at = $4, result = $5, error = $6
            where job_name = $1 and fire_id = $2
            """);
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = fireId });
        command.Parameters.Add(new() { Value = succeeded ? "succeeded" : "failed" });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = (object?)result ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyDictionary<string, LastRun>> AllAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select job_name, status, started_at, finished_at, instance_id, fire_id, manual, result, error from jobs.last_runs
            """);
        var runs = new Dictionary<string, LastRun>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs[reader.GetString(0)] = new LastRun(reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5),
                reader.GetBoolean(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8));
        }
        return runs;
    }
}

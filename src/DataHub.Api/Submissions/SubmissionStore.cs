using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Submissions;

/// <summary>The submissions.submissions rows: claimed by idempotency key, finished with the data in one transaction.</summary>
public static class SubmissionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Claims the key for a new submission. Returns false when the key is taken: a concurrent
    /// request with the same key waits here on the unique index until the first one ends.
    /// </summary>
    public static async Task<bool> ClaimAsync(NpgsqlConnection c, NpgsqlTransaction t, Guid id, string dataset, string key, string mode, string submittedBy, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            insert into submissions.submissions (id, dataset_id, idempotency_key, status, mode, submitted_by)
            values ($1, $2, $3, 'processing', $4, $5)
            on conflict (dataset_id, idempotency_key) do nothing
            returning id
            """, c, t);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = dataset });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = mode });
        command.Parameters.Add(new NpgsqlParameter { Value = submittedBy });
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    public static async Task FinishAsync(NpgsqlConnection c, NpgsqlTransaction t, Guid id, string status, string bodySha256,
        int received, ParcelBatch.Counts counts, int rejected, ProblemList problems, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            update submissions.submissions set status = $2, body_sha256 = $3, received = $4, inserted = $5, updated = $6,
              unchanged = $7, retired = $8, rejected = $9, problem_count = $10, problems = $11, finished_at = clock_timestamp()
            where id = $1
            """, c, t);
        object[] values = [id, status, bodySha256, received, counts.Inserted, counts.Updated, counts.Unchanged, counts.Retired, rejected, problems.Count];
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(problems.Kept, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(ct);
    }

    public sealed record Stored(Guid Id, string Dataset, string Status, string Mode, string? BodySha256, int Received, int Inserted,
        int Updated, int Unchanged, int Retired, int Rejected, int ProblemCount, IReadOnlyList<SubmissionProblem> Problems,
        DateTimeOffset ReceivedAt, DateTimeOffset? FinishedAt);

    public static async Task<Stored?> FindAsync(NpgsqlDataSource dataSource, string dataset, Guid? id, string? key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select id, dataset_id, status, mode, body_sha256, received, inserted, updated, unchanged, retired, rejected,
                   problem_count, problems::text, received_at, finished_at
            from submissions.submissions
            where dataset_id = $1 and (id = $2 or idempotency_key = $3)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = dataset });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)key ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new Stored(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7),
            reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11),
            JsonSerializer.Deserialize<List<SubmissionProblem>>(reader.GetString(12), Json) ?? [],
            reader.GetFieldValue<DateTimeOffset>(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14));
    }
}

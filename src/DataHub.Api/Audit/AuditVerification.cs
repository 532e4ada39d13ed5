using Npgsql;

namespace DataHub.Api.Audit;

/// <summary>The audit chain checked end to end: how many entries, and the first broken link if any.</summary>
public sealed record AuditVerification(long Checked, bool Intact, long? BrokenAt, string? Problem)
{
    public static async Task<AuditVerification> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select checked, broken_at, problem from audit.verify()");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var brokenAt = reader.IsDBNull(1) ? (long?)null : reader.GetInt64(1);
        return new AuditVerification(reader.GetInt64(0), brokenAt is null, brokenAt, reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>
    /// Whether the entry a backup manifest recorded as the chain's head is still there with the
    /// same hash: a chain rewritten from that point on (hashes recomputed) passes the walk but
    /// not this, since the manifest is kept on another server.
    /// </summary>
    public static async Task<string?> CompareWithAsync(NpgsqlDataSource dataSource, long seq, string hash, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select encode(hash, 'hex') from audit.entries where seq = $1");
        command.Parameters.Add(new() { Value = seq });
        return await command.ExecuteScalarAsync(ct) switch
        {
            string found when found == hash => null,
            string found => $"entry {seq} has hash {found}, but the backup manifest recorded {hash}: the chain was rewritten after that backup",
            _ => seq == 0 ? null : $"entry {seq}, the head recorded by the backup manifest, is missing",
        };
    }
}

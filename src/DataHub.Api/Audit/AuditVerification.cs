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
}

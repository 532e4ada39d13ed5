using System.Text.Json;
using Npgsql;

namespace DataHub.Api.Audit;

/// <summary>
/// Appends to the hash-chained audit trail (audit.append in SQL keeps the chain). Appended in
/// the same transaction as the change it records, and last, because the chain's head stays
/// locked until that transaction ends.
/// </summary>
public static class AuditTrail
{
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string actor, string action, string? target, object? details, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select audit.append($1, $2, $3, $4::jsonb)", connection, transaction);
        command.Parameters.Add(new() { Value = actor });
        command.Parameters.Add(new() { Value = action });
        command.Parameters.Add(new() { Value = (object?)target ?? DBNull.Value });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(details ?? new { }, JsonSerializerOptions.Web) });
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>An entry on its own (a refused sign-in, a read): its own short transaction.</summary>
    public static async Task AppendAsync(NpgsqlDataSource dataSource, string actor, string action, string? target, object? details, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await AppendAsync(connection, null, actor, action, target, details, ct);
    }
}

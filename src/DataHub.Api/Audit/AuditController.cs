using DataHub.Api.Infrastructure.OpenApi;
using System.Text.Json;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Audit;

/// <summary>The audit trail: sign-ins, account, rights and client changes, reads of personal data, exports, grants.</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/audit")]
[Tags("Audit")]
[Authorize(Policy = Permissions.AuditRead)]
public sealed class AuditController(NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>Entries newest first, filtered by actor, action or target; page with `before` (a seq).</summary>
    [HttpGet(Name = "GetAuditEntries")]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<AuditPage>> GetEntries(string? actor, string? action, string? target, long? before, [PageLimit(1000, 100)] int limit = 100, CancellationToken ct = default)
    {
        if (limit is < 1 or > 1000)
        {
            return this.Invalid("limit", "limit must be between 1 and 1000.");
        }
        await using var command = dataSource.CreateCommand("""
            select seq, at, actor, action, target, details::text, encode(hash, 'hex')
            from audit.entries
            where ($1::text is null or actor = $1) and ($2::text is null or action = $2)
              and ($3::text is null or target = $3) and ($4::bigint is null or seq < $4)
            order by seq desc limit $5
            """);
        command.Parameters.Add(new() { Value = (object?)actor ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)action ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)target ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = limit });
        var entries = new List<AuditEntry>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), JsonDocument.Parse(reader.GetString(5)).RootElement, reader.GetString(6)));
            }
        }
        var next = entries.Count == limit ? $"{Request.Path}?{QueryWith(entries[^1].Seq)}" : null;
        return new AuditPage(entries, next);
    }

    /// <summary>Walks the whole chain and reports the first broken link (an altered or deleted entry), if any.</summary>
    [HttpGet("verification", Name = "VerifyAudit")]
    [ProducesResponseType<AuditVerification>(StatusCodes.Status200OK, "application/json")]
    public Task<AuditVerification> Verify(CancellationToken ct) => AuditVerification.RunAsync(dataSource, ct);

    private string QueryWith(long before)
    {
        var query = Request.Query.Where(q => q.Key != "before").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"before={before}");
        return string.Join('&', query);
    }
}

public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string? Target, JsonElement Details, string Hash);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? Next);

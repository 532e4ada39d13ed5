using DataHub.Api.Infrastructure.OpenApi;
using System.Text.Json;
using Asp.Versioning;
using DataHub.Api.Audit;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>A message waiting for a partner: its idempotency key, the dossier, what kind, and the payload (docs/dossiers.md).</summary>
public sealed record DossierMessage(long Id, Guid Key, Guid DossierId, string Target, string Kind, JsonElement Payload, DateTimeOffset CreatedAt);

/// <summary>
/// The partners' side of dossiers.messages until the outbox pushes them: the tax authority and
/// the one-stop shop fetch what is waiting for them, oldest first, and acknowledge each message.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/dossier-messages")]
[Tags("Dossiers")]
[Authorize(Policy = Permissions.DossiersRead)]
public sealed class DossierMessagesController(NpgsqlDataSource dataSource, DossierClock clock) : ControllerBase
{
    // Each target is read by the holders of its partner's right.
    private static readonly Dictionary<string, string> RightOf = new()
    {
        [DossierMessages.TaxAuthority] = Permissions.DossiersTax,
        [DossierMessages.OneStopShop] = Permissions.DossiersIntake,
    };

    private ObjectResult? Refuse(string? target) =>
        target is null || !RightOf.TryGetValue(target, out var right)
            ? (ObjectResult)this.Invalid("target", $"Required: one of {string.Join(", ", RightOf.Keys)}.")
            : User.Has(right) ? null
            : Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"Messages for '{target}' are read with the right '{right}', which the caller's roles do not give.");

    /// <summary>Messages waiting for a target (tax-authority or one-stop-shop), oldest first, after a message id.</summary>
    /// <param name="target">tax-authority (right dossiers.tax) or one-stop-shop (right dossiers.intake).</param>
    /// <param name="after">Only messages with a larger id.</param>
    /// <param name="limit">1-500, default 100.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "ListDossierMessages")]
    [ProducesResponseType<IReadOnlyList<DossierMessage>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public async Task<IActionResult> Pending([FromQuery] string? target, [FromQuery] long after = 0, [FromQuery, PageLimit(500, 100)] int limit = 100, CancellationToken ct = default)
    {
        if (Refuse(target) is { } refused)
        {
            return refused;
        }
        if (limit is < 1 or > 500)
        {
            return this.Invalid("limit", "limit is 1-500.");
        }
        await using var command = dataSource.CreateCommand("""
            select id, key, dossier_id, target, kind, payload::text, created_at from dossiers.messages
            where target = $1 and status = 'pending' and id > $2 order by id limit $3
            """);
        command.Parameters.Add(new() { Value = target! });
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = limit });
        var messages = new List<DossierMessage>();
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                messages.Add(new DossierMessage(r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4),
                    JsonDocument.Parse(r.GetString(5)).RootElement.Clone(), r.GetFieldValue<DateTimeOffset>(6)));
            }
        }
        if (messages.Count > 0)
        {
            // The tax authority's messages carry the taxpayer's personal data: what left, and to whom, is recorded.
            await AuditTrail.AppendAsync(dataSource, User.Actor(), "dossier.messages-fetched", $"dossier-messages:{target}",
                new { count = messages.Count, first = messages[0].Id, last = messages[^1].Id }, ct);
        }
        return Ok(messages);
    }

    /// <summary>Acknowledges a message: it is delivered and no longer listed. Acknowledging twice is harmless.</summary>
    [HttpPost("{messageId}/delivery", Name = "AcknowledgeDossierMessage")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Acknowledge(long messageId, CancellationToken ct)
    {
        await using var find = dataSource.CreateCommand("select target from dossiers.messages where id = $1");
        find.Parameters.Add(new() { Value = messageId });
        if (await find.ExecuteScalarAsync(ct) is not string target || Refuse(target) is not null)
        {
            // Another partner's message is as unknown as a missing one.
            return Problem(statusCode: 404, title: "Unknown message", detail: $"There is no message {messageId} for the caller.");
        }
        await using var update = dataSource.CreateCommand(
            "update dossiers.messages set status = 'delivered', delivered_at = coalesce(delivered_at, $2) where id = $1");
        update.Parameters.Add(new() { Value = messageId });
        update.Parameters.Add(new() { Value = clock.Now });
        await update.ExecuteNonQueryAsync(ct);
        return NoContent();
    }
}

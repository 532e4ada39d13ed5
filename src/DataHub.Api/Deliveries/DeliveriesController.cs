using DataHub.Api.Infrastructure.OpenApi;
using System.Globalization;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Deliveries;

/// <summary>
/// What the hub pushes to its partners (the Ministry, the IOC): messages by target and status,
/// the lag, each message with its attempts, and replays of dead letters.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/deliveries")]
[Tags("Deliveries")]
[Microsoft.AspNetCore.Authorization.Authorize(Policy = DataHub.Api.Infrastructure.Auth.Permissions.OperationsManage)]
public sealed class DeliveriesController(DeliveryQueries queries, IEnumerable<IPartnerSender> senders, Npgsql.NpgsqlDataSource dataSource) : ControllerBase
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Per target: whether it is configured, messages pending, delivered and dead-lettered, and the oldest pending message's age (the lag).</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "GetDeliveries")]
    [ProducesResponseType<DeliveriesSummary>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Summary(CancellationToken ct) =>
        Ok(new DeliveriesSummary(await queries.SummaryAsync(IsConfigured, ct)));

    /// <summary>Messages, oldest first, filtered; page on with after= the last id of a page.</summary>
    /// <param name="target">ministry or ioc.</param>
    /// <param name="status">pending, delivered or dead.</param>
    /// <param name="dataset">A dataset id, e.g. parcels.</param>
    /// <param name="key">A record's key within its dataset.</param>
    /// <param name="after">The id the previous page ended at.</param>
    /// <param name="limit">Messages per page: default 100, at most 1,000.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("messages", Name = "GetDeliveryMessages")]
    [ChecksOwnQuery]
    [ProducesResponseType<DeliveryMessagePage>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Messages([FromQuery] string? target, [FromQuery] string? status, [FromQuery] string? dataset,
        [FromQuery] string? key, [FromQuery] string? after, [FromQuery, PageLimit(MaxLimit, DefaultLimit)] string? limit, CancellationToken ct)
    {
        foreach (var name in Request.Query.Keys.Where(k => k is not ("target" or "status" or "dataset" or "key" or "after" or "limit")))
        {
            return this.Invalid(name, $"Unknown parameter '{name}'. Parameters: target, status, dataset, key, after, limit.");
        }
        if (target is not null && !DeliveryQueries.Targets.Contains(target))
        {
            return this.Invalid("target", $"Unknown target '{target}': use {string.Join(" or ", DeliveryQueries.Targets)}.");
        }
        if (status is not null && !DeliveryQueries.Statuses.Contains(status))
        {
            return this.Invalid("status", $"Unknown status '{status}': use {string.Join(", ", DeliveryQueries.Statuses)}.");
        }
        long from = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from)))
        {
            return this.Invalid("after", $"'{after}' is not a message id.");
        }
        var count = DefaultLimit;
        // Refused rather than clamped, as every list does: a page shorter than asked reads as the end.
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return this.Invalid("limit", $"limit must be a whole number from 1 to {MaxLimit}, not '{limit}'.");
        }
        var page = await queries.ListAsync(new MessageFilter(target, status, dataset, key, from, count), ct);
        return Ok(new DeliveryMessagePage(page, page.Count == count ? page[^1].Id : null));
    }

    /// <summary>One message with every attempt to send it.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("messages/{id:long}", Name = "GetDeliveryMessage")]
    [ProducesResponseType<DeliveryMessageDetail>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Message(long id, CancellationToken ct) =>
        await queries.FindAsync(id, ct) is { } found
            ? Ok(new DeliveryMessageDetail(found.Message, found.Attempts))
            : NotFoundProblem(id);

    /// <summary>Replays one dead-lettered message: it is sent again (its record as it is now) with a fresh count of attempts.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpPost("messages/{id:long}/replay", Name = "ReplayDeliveryMessage")]
    [ProducesResponseType<DeliveryMessageDetail>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Replay(long id, CancellationToken ct)
    {
        if (await queries.ReplayAsync(id, null, null, ct) == 0)
        {
            return await queries.FindAsync(id, ct) is { } existing
                ? Problem(statusCode: 409, title: "Not a dead letter",
                    detail: $"Message {id} is {existing.Message.Status}; only dead-lettered messages are replayed.")
                : NotFoundProblem(id);
        }
        await Audit.AuditTrail.AppendAsync(dataSource, Infrastructure.Auth.HubPrincipal.Actor(User), "delivery.replayed", $"delivery:{id}", null, ct);
        var replayed = (await queries.FindAsync(id, ct))!.Value;
        return Ok(new DeliveryMessageDetail(replayed.Message, replayed.Attempts));
    }

    /// <summary>Replays every dead-lettered message, or those of one target and/or dataset.</summary>
    /// <param name="target">ministry or ioc; all when left out.</param>
    /// <param name="dataset">A dataset id; all when left out.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpPost("replay", Name = "ReplayDeliveries")]
    [ProducesResponseType<ReplayResult>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> ReplayAll([FromQuery] string? target, [FromQuery] string? dataset, CancellationToken ct)
    {
        if (target is not null && !DeliveryQueries.Targets.Contains(target))
        {
            return this.Invalid("target", $"Unknown target '{target}': use {string.Join(" or ", DeliveryQueries.Targets)}.");
        }
        var replayed = await queries.ReplayAsync(null, target, dataset, ct);
        await Audit.AuditTrail.AppendAsync(dataSource, Infrastructure.Auth.HubPrincipal.Actor(User), "deliveries.replayed", target ?? "all", new { dataset, replayed }, ct);
        return Ok(new ReplayResult(replayed));
    }

    private bool IsConfigured(string target) => senders.Any(s => s.Target == target && s.IsConfigured);

    private ObjectResult NotFoundProblem(long id) =>
        Problem(statusCode: 404, title: "Unknown message", detail: $"There is no delivery message {id}. Messages are listed at /api/v1/deliveries/messages.");
}

public sealed record DeliveriesSummary(IReadOnlyList<TargetSummary> Targets);

/// <summary>A page of messages; Next is the after= value of the next page (null: this is the last).</summary>
public sealed record DeliveryMessagePage(IReadOnlyList<DeliveryMessage> Messages, long? Next);

public sealed record DeliveryMessageDetail(DeliveryMessage Message, IReadOnlyList<DeliveryAttempt> Attempts);

public sealed record ReplayResult(int Replayed);

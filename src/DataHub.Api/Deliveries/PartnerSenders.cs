using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataHub.Clients;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace DataHub.Api.Deliveries;

/// <summary>A claimed message with its record as it is now.</summary>
public sealed record OutgoingMessage(OutboxMessage Message, RenderedRecord? Record)
{
    /// <summary>The change the partner applies: the record's current version, or its deletion.</summary>
    public string Change => Record?.Json is null ? "delete" : "upsert";
}

/// <summary>How one message's request ended; RetryAfter is the partner's, when it gave one.</summary>
public sealed record MessageOutcome(OutgoingMessage Message, SendOutcome Outcome, int? StatusCode, string? Error, TimeSpan? RetryAfter);

/// <summary>Sends a batch of one target's messages and says how each one ended.</summary>
public interface IPartnerSender
{
    string Target { get; }

    /// <summary>Whether the partner has a base URL; an unconfigured target keeps its messages.</summary>
    bool IsConfigured { get; }

    /// <summary>One request's outcome for each message (the results' order is the batch's).</summary>
    Task<IReadOnlyList<MessageOutcome>> SendAsync(
        IReadOnlyList<OutgoingMessage> batch, CancellationToken ct);
}

/// <summary>What is common to both partners: the batch key and how a failed request is read.</summary>
public static class PartnerSend
{
    /// <summary>The same messages always give the same batch key, so a repeated batch is recognised as one.</summary>
    public static string BatchKey(IEnumerable<OutgoingMessage> batch) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(',', batch.Select(m => m.Message.Key.ToString("N"))))))[..40];

    /// <summary>A failure of the send itself, not the hub stopping.</summary>
    public static bool IsSendFailure(Exception e, CancellationToken ct) =>
        e is ApiExceptionBase or HttpRequestException or BrokenCircuitException or TimeoutRejectedException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    public static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>
    /// A request that failed as a whole. No answer, 408, 429, 502, 503, 504 and an open circuit are
    /// the partner being away or busy (unreachable: not the messages' fault); other answers refuse
    /// every message of the batch.
    /// </summary>
    public static IReadOnlyList<MessageOutcome> Failed(IReadOnlyList<OutgoingMessage> batch, Exception e)
    {
        // Refit wraps what failed before an answer came (no connection, timeout, open circuit).
        var cause = e is ApiRequestException { InnerException: { } inner } ? inner : e;
        var (outcome, code, error, retryAfter) = cause switch
        {
            ApiException api => (api.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                                     or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout ? SendOutcome.Unreachable : SendOutcome.Refused,
                                 (int?)api.StatusCode, $"{(int)api.StatusCode} {api.ReasonPhrase}: {Truncate(api.Content)}", RetryAfter(api)),
            BrokenCircuitException => (SendOutcome.Unreachable, null, "circuit open: recent sends to this partner failed", null),
            TimeoutRejectedException => (SendOutcome.Unreachable, null, "timed out", null),
            HttpRequestException http => (SendOutcome.Unreachable, (int?)http.StatusCode, $"no answer: {http.Message}", null),
            OperationCanceledException => (SendOutcome.Unreachable, null, "cancelled (timed out)", null),
            _ => (SendOutcome.Refused, null, $"{cause.GetType().Name}: {cause.Message}", (TimeSpan?)null),
        };
        return batch.Select(m => new MessageOutcome(m, outcome, code, error, retryAfter)).ToList();
    }

    private static TimeSpan? RetryAfter(ApiException api)
    {
        var header = api.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static string? Truncate(string? s) => s is { Length: > 500 } ? s[..500] : s;
}

/// <summary>Records to the Ministry: one request per dataset of the batch.</summary>
public sealed class MinistrySender(IMinistryRecordsApi api, IOptionsMonitor<PartnerConnection> connections, Schemas.ExchangeStructures structures) : IPartnerSender
{
    public string Target => "ministry";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> schemaIds = new();

    /// <summary>
    /// The $id of the exchange structure the records follow (what a partner validates them
    /// with; a path on the hub would mean nothing to it), or null for a published feature.
    /// </summary>
    private async Task<string?> SchemaIdAsync(string datasetId, CancellationToken ct)
    {
        if (schemaIds.TryGetValue(datasetId, out var known))
        {
            return known;
        }
        var id = OutboxRecords.StructureVersion(datasetId) is { } version && structures.Find(datasetId, version) is { } file
            ? (await Schemas.ExchangeStructures.HeaderAsync(file, ct)).Id
            : null;
        return schemaIds[datasetId] = id;
    }

    public bool IsConfigured => connections.Get(Target).IsConfigured;

    public async Task<IReadOnlyList<MessageOutcome>> SendAsync(
        IReadOnlyList<OutgoingMessage> batch, CancellationToken ct)
    {
        var results = new List<MessageOutcome>();
        foreach (var group in batch.GroupBy(m => m.Message.DatasetId))
        {
            var messages = group.ToList();
            var records = messages.Select(m => new RecordEnvelope(
                m.Message.Key.ToString(), m.Message.Id, m.Change, m.Message.EntityKey, m.Record?.Commune, m.Record?.Version ?? 0,
                m.Message.CreatedAt, PartnerSend.Parse(m.Record?.Json))).ToList();
            try
            {
                var receipt = await api.SendRecordsAsync(group.Key, PartnerSend.BatchKey(messages),
                    new RecordBatch(group.Key, await SchemaIdAsync(group.Key, ct), records), ct);
                var rejected = (receipt.Rejected ?? []).ToDictionary(r => r.MessageId, r => r.Reason);
                results.AddRange(messages.Select(m => rejected.TryGetValue(m.Message.Key.ToString(), out var reason)
                    ? new MessageOutcome(m, SendOutcome.Refused, 200, $"rejected: {reason}", null)
                    : new MessageOutcome(m, SendOutcome.Delivered, 200, null, null)));
            }
            catch (Exception e) when (PartnerSend.IsSendFailure(e, ct))
            {
                results.AddRange(PartnerSend.Failed(messages, e));
            }
        }
        return results;
    }
}

/// <summary>Events to the IOC: the whole batch as one CloudEvents JSON batch.</summary>
public sealed class IocSender(IIocEventsApi api, IOptionsMonitor<PartnerConnection> connections, IOptions<DeliveryOptions> options) : IPartnerSender
{
    public string Target => "ioc";

    public bool IsConfigured => connections.Get(Target).IsConfigured;

    public async Task<IReadOnlyList<MessageOutcome>> SendAsync(
        IReadOnlyList<OutgoingMessage> batch, CancellationToken ct)
    {
        var source = options.Value.Source;
        var events = batch.Select(m => new CloudEvent(
            m.Message.Key.ToString(), source, $"vn.gov.datahub.{m.Message.DatasetId}.{m.Change}", $"{m.Message.DatasetId}/{m.Message.EntityKey}",
            m.Message.CreatedAt, m.Message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonSerializer.SerializeToElement(new EventData(m.Message.DatasetId, m.Message.EntityKey, m.Change, m.Record?.Commune, m.Record?.Version ?? 0,
                PartnerSend.Parse(m.Record?.Json))))).ToList();
        try
        {
            var receipt = await api.PublishAsync(PartnerSend.BatchKey(batch), events, ct);
            var rejected = (receipt.Rejected ?? []).ToDictionary(r => r.MessageId, r => r.Reason);
            return batch.Select(m => rejected.TryGetValue(m.Message.Key.ToString(), out var reason)
                ? new MessageOutcome(m, SendOutcome.Refused, 200, $"rejected: {reason}", null)
                : new MessageOutcome(m, SendOutcome.Delivered, 200, null, null)).ToList();
        }
        catch (Exception e) when (PartnerSend.IsSendFailure(e, ct))
        {
            return PartnerSend.Failed(batch, e);
        }
    }

    private sealed record EventData(
        [property: System.Text.Json.Serialization.JsonPropertyName("dataset")] string Dataset,
        [property: System.Text.Json.Serialization.JsonPropertyName("key")] string Key,
        [property: System.Text.Json.Serialization.JsonPropertyName("change")] string Change,
        [property: System.Text.Json.Serialization.JsonPropertyName("commune")] string? Commune,
        [property: System.Text.Json.Serialization.JsonPropertyName("version")] long Version,
        [property: System.Text.Json.Serialization.JsonPropertyName("record")] JsonElement? Record);
}

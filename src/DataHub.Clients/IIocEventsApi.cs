using Refit;

namespace DataHub.Clients;

/// <summary>
/// The provincial Intelligent Operations Centre's events API: CloudEvents 1.0 in the structured,
/// batched JSON mode (<c>application/cloudevents-batch+json</c>). The contract is
/// docs/integrations.md.
/// </summary>
public interface IIocEventsApi
{
    /// <summary>The media type of a batch of CloudEvents in JSON.</summary>
    const string BatchMediaType = "application/cloudevents-batch+json";

    /// <summary>
    /// Publishes a batch of events. The receiver treats an event whose <c>source</c> and
    /// <c>id</c> it has seen before as a duplicate, and answers a repeated
    /// <paramref name="idempotencyKey"/> with its first receipt.
    /// </summary>
    /// <param name="idempotencyKey">The batch's key: the same events always give the same key.</param>
    /// <param name="events">The events, in order (oldest change first).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the receiver accepted and what it had seen before.</returns>
    [Post("/events")]
    [Headers("Content-Type: " + BatchMediaType)]
    Task<EventBatchReceipt> PublishAsync(
        [Header("Idempotency-Key")] string idempotencyKey,
        [Body] IReadOnlyList<CloudEvent> events,
        CancellationToken cancellationToken = default);
}

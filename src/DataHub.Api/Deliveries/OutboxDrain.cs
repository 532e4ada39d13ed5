using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Deliveries;

/// <summary>
/// One drain: for each configured partner, claim the oldest due messages, read their records,
/// send them in one request and settle each message's outcome; again until nothing is due. A
/// partner that is away (no answer, 429, 503, open circuit) is left alone for a growing pause in
/// this process, so an outage costs one probe per pause, not a request per message.
/// </summary>
public sealed partial class OutboxDrain(
    OutboxStore store, OutboxRecords records, IEnumerable<IPartnerSender> senders, IOptionsMonitor<DeliveryOptions> options,
    DeliveryMetrics metrics, TimeProvider time, ILogger<OutboxDrain> logger)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, int Streak)> away = new();

    /// <summary>Drains every configured target until nothing is due or the budget is spent; the messages settled.</summary>
    public async Task<int> DrainAsync(TimeSpan budget, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + budget;
        var counts = await Task.WhenAll(senders.Where(s => s.IsConfigured).Select(s => DrainTargetAsync(s, deadline, ct)));
        return counts.Sum();
    }

    // Several sends in flight per target: a slow or retried request does not hold up the others.
    // Order per record still holds, because a record's next message is not claimable while an
    // earlier one is pending (claimed ones included).
    private async Task<int> DrainTargetAsync(IPartnerSender sender, DateTimeOffset deadline, CancellationToken ct)
    {
        var lanes = await Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.CurrentValue.SendersPerTarget))
            .Select(_ => DrainLaneAsync(sender, deadline, ct)));
        return lanes.Sum();
    }

    private async Task<int> DrainLaneAsync(IPartnerSender sender, DateTimeOffset deadline, CancellationToken ct)
    {
        var total = 0;
        while (time.GetUtcNow() < deadline && !ct.IsCancellationRequested)
        {
            if (away.TryGetValue(sender.Target, out var pause) && time.GetUtcNow() < pause.Until)
            {
                break;
            }
            var (claimed, unreachable) = await SendOneBatchAsync(sender, ct);
            total += claimed;
            if (claimed == 0 || unreachable)
            {
                break;
            }
        }
        return total;
    }

    /// <summary>One claim, one request, one settlement.</summary>
    public async Task<(int Claimed, bool Unreachable)> SendOneBatchAsync(IPartnerSender sender, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var claim = Guid.NewGuid();
        var messages = await store.ClaimAsync(sender.Target, o.BatchSize, TimeSpan.FromSeconds(o.LeaseSeconds), claim, ct);
        if (messages.Count == 0)
        {
            return (0, false);
        }
        var outgoing = new List<OutgoingMessage>(messages.Count);
        foreach (var dataset in messages.GroupBy(m => m.DatasetId))
        {
            var found = await records.ReadAsync(dataset.Key, dataset.Select(m => m.EntityKey).Distinct().ToList(), ct);
            outgoing.AddRange(dataset.Select(m => new OutgoingMessage(m, found.GetValueOrDefault(m.EntityKey))));
        }
        outgoing.Sort((a, b) => a.Message.Id.CompareTo(b.Message.Id));

        var watch = Stopwatch.StartNew();
        var outcomes = await sender.SendAsync(outgoing, ct);
        watch.Stop();
        var unreachable = outcomes.Any(r => r.Outcome == SendOutcome.Unreachable);
        var pause = unreachable ? Away(sender.Target, outcomes.Max(r => r.RetryAfter)) : Back(sender.Target);
        var results = outcomes.Select(r => new SendResult(r.Message.Message.Id, r.Outcome, r.StatusCode, r.Error, r.Outcome switch
        {
            SendOutcome.Delivered => TimeSpan.Zero,
            SendOutcome.Unreachable => pause,
            _ => Backoff(o, r.Message.Message.Attempts + 1),
        })).ToList();
        // Settled even when the hub is stopping: the partner has answered, and its answer is worth keeping.
        await store.SettleAsync(claim, results, watch.Elapsed, o.MaxAttempts, CancellationToken.None);
        metrics.Settled(sender.Target, results, watch.Elapsed);
        if (unreachable)
        {
            LogAway(logger, sender.Target, pause.TotalSeconds, outcomes.First(r => r.Outcome == SendOutcome.Unreachable).Error);
        }
        return (messages.Count, unreachable);
    }

    private TimeSpan Away(string target, TimeSpan? retryAfter)
    {
        var o = options.CurrentValue;
        var streak = away.TryGetValue(target, out var before) ? before.Streak + 1 : 1;
        var wait = retryAfter is { } partnerSays && partnerSays > TimeSpan.Zero
            ? partnerSays
            : TimeSpan.FromSeconds(Math.Min(o.BackoffSeconds * Math.Pow(2, streak - 1), o.MaxAwaySeconds) * Jitter());
        away[target] = (time.GetUtcNow() + wait, streak);
        return wait;
    }

    private TimeSpan Back(string target)
    {
        away.TryRemove(target, out _);
        return TimeSpan.Zero;
    }

    private static TimeSpan Backoff(DeliveryOptions o, int attempts) =>
        TimeSpan.FromSeconds(Math.Min(o.BackoffSeconds * Math.Pow(2, Math.Min(attempts - 1, 20)), o.MaxBackoffSeconds) * Jitter());

    // Between 0.8 and 1.2 of the nominal wait, so hubs and messages that failed together do not return together.
#pragma warning disable CA5394 // not security: spreading retries
    private static double Jitter() => 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {Target} is unreachable; next try in {Seconds:0.#} s: {Error}")]
    private static partial void LogAway(ILogger logger, string target, double seconds, string? error);
}

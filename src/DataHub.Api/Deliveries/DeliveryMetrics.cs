using System.Diagnostics.Metrics;

namespace DataHub.Api.Deliveries;

/// <summary>
/// The outbox in numbers (meter DataHub.Deliveries): messages settled by outcome, request
/// durations, and per target the pending and dead-lettered counts and the lag (age of the oldest
/// pending message), as last read by the delivery worker.
/// </summary>
public sealed class DeliveryMetrics
{
    public const string MeterName = "DataHub.Deliveries";
    private readonly Counter<long> settled;
    private readonly Histogram<double> requests;
    private volatile IReadOnlyList<TargetSummary> snapshot = [];

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        settled = meter.CreateCounter<long>("datahub.deliveries.messages", "{message}", "Messages settled, by target and outcome (delivered, unreachable, refused).");
        requests = meter.CreateHistogram<double>("datahub.deliveries.request.duration", "s", "Time of one send to a partner, retries included.");
        meter.CreateObservableGauge("datahub.deliveries.pending", () => Observe(s => s.Pending), "{message}", "Messages waiting to be delivered.");
        meter.CreateObservableGauge("datahub.deliveries.dead", () => Observe(s => s.Dead), "{message}", "Dead-lettered messages (waiting for a replay).");
        meter.CreateObservableGauge("datahub.deliveries.lag", () => Observe(s => s.OldestPendingSeconds ?? 0), "s", "Age of the oldest pending message.");
    }

    public void Settled(string target, IReadOnlyList<SendResult> results, TimeSpan elapsed)
    {
        requests.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("target", target));
        foreach (var outcome in results.GroupBy(r => r.Outcome))
        {
            settled.Add(outcome.Count(), new("target", target), new("outcome", outcome.Key.ToString().ToLowerInvariant()));
        }
    }

    public void Update(IReadOnlyList<TargetSummary> summary) => snapshot = summary;

    private IEnumerable<Measurement<double>> Observe(Func<TargetSummary, double> value) =>
        snapshot.Select(s => new Measurement<double>(value(s), new KeyValuePair<string, object?>("target", s.Target)));
}

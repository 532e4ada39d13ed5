namespace DataHub.Api.Deliveries;

/// <summary>How the outbox is drained (section Deliveries).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Messages claimed (and sent) per request to a partner.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Requests in flight at once per partner and hub process.</summary>
    public int SendersPerTarget { get; set; } = 4;

    /// <summary>Refused sends (the partner answered no, not "away") before a message is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long a claim holds its messages: longer than a send can take (the pipeline's total timeout).</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Wait between rounds when there was nothing to send.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>First wait before a failed message is claimed again; doubles per attempt, with jitter.</summary>
    public double BackoffSeconds { get; set; } = 5;

    /// <summary>The longest wait between two claims of a failed message.</summary>
    public double MaxBackoffSeconds { get; set; } = 900;

    /// <summary>The longest pause before the next probe of a partner that is away (no answer, 429, 503, open circuit).</summary>
    public double MaxAwaySeconds { get; set; } = 60;

    /// <summary>How often the worker reads the outbox's counts for the gauges (pending, dead, lag).</summary>
    public double GaugeSeconds { get; set; } = 15;

    /// <summary>Every hub process drains in the background; off leaves draining to the scheduled job.</summary>
    public bool DrainInProcess { get; set; } = true;

    /// <summary>Days a delivered message (and its attempts) is kept before the clean-up job removes it.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>The CloudEvents source of the hub's events.</summary>
    public string Source { get; set; } = "urn:datahub:binh-phuoc";

    /// <summary>The datasets reconciled with the Ministry each day.</summary>
    public string[] ReconcileDatasets { get; set; } = ["parcels"];
}

/// <summary>The partner client's resilience pipeline; every number per client, none global.</summary>
public sealed class PartnerResilience
{
    /// <summary>One HTTP attempt.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>All attempts of one send together (keep it below Deliveries:LeaseSeconds).</summary>
    public double TotalTimeoutSeconds { get; set; } = 60;

    /// <summary>Retries within one send, after the first attempt.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Base of the exponential, jittered delay between retries (a Retry-After header wins).</summary>
    public double RetryDelaySeconds { get; set; } = 0.5;

    /// <summary>Share of failed attempts in the sampling window that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts in the sampling window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The breaker's sampling window.</summary>
    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open circuit refuses sends before one trial.</summary>
    public double BreakSeconds { get; set; } = 15;
}

using System.ComponentModel.DataAnnotations;
using DataHub.Api.Infrastructure.Scheduling;

namespace DataHub.Api.Deliveries;

/// <summary>How the outbox is drained (section Deliveries), checked at start.</summary>
public sealed class DeliveryOptions
{
    /// <summary>Messages claimed (and sent) per request to a partner.</summary>
    [Range(1, 10_000, ErrorMessage = "must be from 1 to 10000.")]
    public int BatchSize { get; set; } = 200;

    /// <summary>Requests in flight at once per partner and hub process.</summary>
    [Range(1, 256, ErrorMessage = "must be from 1 to 256.")]
    public int SendersPerTarget { get; set; } = 4;

    /// <summary>Refused sends (the partner answered no, not "away") before a message is dead-lettered.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long a claim holds its messages: longer than a send can take (the pipeline's total timeout).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Wait between rounds when there was nothing to send.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>First wait before a failed message is claimed again; doubles per attempt, with jitter.</summary>
    [Range(0d, 86_400d, ErrorMessage = "must be from 0 to 86400.")]
    public double BackoffSeconds { get; set; } = 5;

    /// <summary>The longest wait between two claims of a failed message.</summary>
    [Range(0d, 86_400d * 30, ErrorMessage = "must be from 0 to 2592000 (30 days).")]
    public double MaxBackoffSeconds { get; set; } = 900;

    /// <summary>The longest pause before the next probe of a partner that is away (no answer, 429, 503, open circuit).</summary>
    [Range(0.001, 86_400d, ErrorMessage = "must be more than 0 and at most 86400.")]
    public double MaxAwaySeconds { get; set; } = 60;

    /// <summary>How often the worker reads the outbox's counts for the gauges (pending, dead, lag).</summary>
    [Range(0.001, 86_400d, ErrorMessage = "must be more than 0 and at most 86400.")]
    public double GaugeSeconds { get; set; } = 15;

    /// <summary>Every hub process drains in the background; off leaves draining to the scheduled job.</summary>
    public bool DrainInProcess { get; set; } = true;

    /// <summary>Days a delivered message (and its attempts) is kept before the clean-up job removes it.</summary>
    [Range(1, 36_500, ErrorMessage = "must be from 1 to 36500.")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>The CloudEvents source of the hub's events.</summary>
    public string Source { get; set; } = "urn:datahub:binh-phuoc";

    /// <summary>Interval of the outbox-drain job.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int DrainJobSeconds { get; set; } = 60;

    /// <summary>Local time (Asia/Ho_Chi_Minh) of the daily outbox-reconcile job, HH:mm.</summary>
    [LocalTime]
    public string ReconcileAt { get; set; } = "01:30";

    /// <summary>Local time of the daily outbox-cleanup job, HH:mm.</summary>
    [LocalTime]
    public string CleanupAt { get; set; } = "03:45";

    /// <summary>The datasets reconciled with the Ministry each day.</summary>
    public string[] ReconcileDatasets { get; set; } = ["parcels"];
}

/// <summary>The partner client's resilience pipeline; every number per client, none global.</summary>
public sealed class PartnerResilience
{
    /// <summary>One HTTP attempt.</summary>
    [Range(0.001, 3600d, ErrorMessage = "must be more than 0 and at most 3600.")]
    public double AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>All attempts of one send together (keep it below Deliveries:LeaseSeconds).</summary>
    [Range(0.001, 86_400d, ErrorMessage = "must be more than 0 and at most 86400.")]
    public double TotalTimeoutSeconds { get; set; } = 60;

    /// <summary>Retries within one send, after the first attempt.</summary>
    [Range(0, 100, ErrorMessage = "must be from 0 to 100.")]
    public int Retries { get; set; } = 3;

    /// <summary>Base of the exponential, jittered delay between retries (a Retry-After header wins).</summary>
    [Range(0d, 3600d, ErrorMessage = "must be from 0 to 3600.")]
    public double RetryDelaySeconds { get; set; } = 0.5;

    /// <summary>Share of failed attempts in the sampling window that opens the circuit.</summary>
    [Range(0.01, 1d, ErrorMessage = "must be from 0.01 to 1.")]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts in the sampling window before the breaker may open.</summary>
    [Range(2, int.MaxValue, ErrorMessage = "must be at least 2.")]
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The breaker's sampling window.</summary>
    [Range(0.5, 86_400d, ErrorMessage = "must be from 0.5 to 86400.")]
    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open circuit refuses sends before one trial.</summary>
    [Range(0.5, 86_400d, ErrorMessage = "must be from 0.5 to 86400.")]
    public double BreakSeconds { get; set; } = 15;
}

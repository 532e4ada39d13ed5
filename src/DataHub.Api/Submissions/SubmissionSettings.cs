using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.Submissions;

/// <summary>The Submissions section of the settings (environment: Submissions__MaxBodyBytes, ...), checked at start.</summary>
public sealed class SubmissionSettings
{
    /// <summary>The largest body (413 above).</summary>
    [Range(1d, long.MaxValue, ErrorMessage = "must be at least 1.")]
    public long MaxBodyBytes { get; set; } = 1L << 30;

    /// <summary>The most records in one submission (413 above).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int MaxRecords { get; set; } = 1_000_000;

    /// <summary>Bodies above this (or without a Content-Length) are stored and answered 202.</summary>
    [Range(0d, long.MaxValue, ErrorMessage = "must be 0 or more.")]
    public long AsyncAboveBytes { get; set; } = 4L << 20;

    /// <summary>Records staged and committed at a time; each chunk is merged while the next is staged.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int ChunkRecords { get; set; } = 25_000;

    /// <summary>How often an idle worker looks for waiting submissions.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How often the worker drops staging left by a hub killed mid-submission (0: at every poll).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must be 0 (at every poll) or more.")]
    public int SweepMinutes { get; set; } = 60;

    /// <summary>Whether an all-or-nothing parcels submission answered 202 is applied from its first chunk by the hub receiving it, rather than by the worker once stored.</summary>
    public bool ApplyWhileReceiving { get; set; } = true;

    /// <summary>Made-up parcels run through the short way's checks at start, written nowhere, so that the first large submission finds that code compiled (0: none).</summary>
    [Range(0, 1_000_000, ErrorMessage = "must be 0 (no warm-up) to 1,000,000.")]
    public int WarmUpRecords { get; set; } = 3_000;

    /// <summary>The longest a status request with Prefer: wait=N is held.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must be 0 or more.")]
    public int MaxWaitSeconds { get; set; } = 30;
}

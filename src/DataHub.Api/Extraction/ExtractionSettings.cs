using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.Extraction;

/// <summary>The Extractions section of the settings, checked at start.</summary>
public sealed class ExtractionSettings
{
    /// <summary>Where extraction files are written; empty: a folder under the system's temporary folder.</summary>
    public string? Folder { get; set; }

    /// <summary>How long a finished job's file can be downloaded.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "must be from 00:00:01 to 3650.00:00:00 (days.hours:minutes:seconds).")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often an idle worker looks for queued jobs and expired files.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>The longest a job request with Prefer: wait=N is held.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must be 0 or more.")]
    public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>The folder files go to.</summary>
    public string FolderOrDefault => Folder is { Length: > 0 } folder ? folder : Path.Combine(Path.GetTempPath(), "datahub-extractions");
}

using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>The Scheduling section of the settings, checked at start.</summary>
public sealed class SchedulingSettings
{
    /// <summary>False leaves this process's scheduler in standby: it fires nothing (another process runs the jobs).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a process waits before looking again whether the database answers, to start its scheduler.</summary>
    [Range(0.001, 3600, ErrorMessage = "must be more than 0 and at most 3600.")]
    public double RetrySeconds { get; set; } = 15;
}

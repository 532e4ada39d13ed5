using DataHub.Api.Collections;

namespace DataHub.Api.Jobs;

/// <summary>One scheduled hub job: its schedule, its next and last fire times and how its last run ended.</summary>
public sealed record JobSummary(
    string Name, string? Description, string Schedule, DateTimeOffset? NextFireTime, DateTimeOffset? PreviousFireTime,
    JobLastRun? LastRun, IReadOnlyList<OgcLink> Links);

/// <summary>The last run of a job on any node: status running, succeeded or failed.</summary>
public sealed record JobLastRun(
    string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Instance, bool Manual, string? Result, string? Error);

/// <summary>The hub's jobs; schedulerRunning says whether this process fires jobs (another node may).</summary>
public sealed record JobList(bool SchedulerRunning, string Instance, IReadOnlyList<JobSummary> Jobs, IReadOnlyList<OgcLink> Links);

/// <summary>A run asked for now: its outcome appears as the job's lastRun.</summary>
public sealed record JobTriggered(string Job, DateTimeOffset RequestedAt, string Detail, IReadOnlyList<OgcLink> Links);

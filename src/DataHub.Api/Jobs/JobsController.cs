using Asp.Versioning;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Quartz;

namespace DataHub.Api.Jobs;

/// <summary>
/// The hub's scheduled jobs (backups, partner pushes, ...): when each fires next, how its last
/// run ended, and a way to run one now. Jobs run on whichever hub process's scheduler takes them.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/jobs")]
[Tags("Jobs")]
[Microsoft.AspNetCore.Authorization.Authorize(Policy = DataHub.Api.Infrastructure.Auth.Permissions.OperationsManage)]
public sealed class JobsController(ISchedulerFactory schedulers, JobRuns runs, TimeProvider clock, Npgsql.NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>Every hub job with its schedule, next and previous fire time and last run.</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "ListJobs")]
    [ProducesResponseType<JobList>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var last = await runs.AllAsync(ct);
        var jobs = new List<JobSummary>();
        foreach (var key in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SchedulingSetup.Group), ct)).OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            if (await SummaryAsync(scheduler, key, last, ct) is { } summary)
            {
                jobs.Add(summary);
            }
        }
        return Ok(new JobList(scheduler.Status == SchedulerStatus.Running, scheduler.SchedulerInstanceId, jobs,
            [new OgcLink(Self(), "self", "application/json", "The hub's jobs")]));
    }

    /// <summary>One job.</summary>
    /// <param name="name">The job's name, as listed.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{name}", Name = "GetJob")]
    [ProducesResponseType<JobSummary>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(string name, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var summary = await SummaryAsync(scheduler, new JobKey(name, SchedulingSetup.Group), await runs.AllAsync(ct), ct);
        return summary is null ? UnknownJob(name) : Ok(summary);
    }

    /// <summary>
    /// Run a job now, besides its schedule. Answered 202 at once: the run is taken by a hub
    /// process's scheduler, and its outcome shows as the job's lastRun (Location).
    /// </summary>
    /// <param name="name">The job's name, as listed.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpPost("{name}/trigger", Name = "TriggerJob")]
    [ProducesResponseType<JobTriggered>(StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Trigger(string name, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey(name, SchedulingSetup.Group);
        if (!await scheduler.Exists(key, ct))
        {
            return UnknownJob(name);
        }
        await scheduler.TriggerJob(key, ct);
        await DataHub.Api.Audit.AuditTrail.AppendAsync(dataSource, DataHub.Api.Infrastructure.Auth.HubPrincipal.Actor(User), "job.triggered", $"job:{name}", null, ct);
        var job = $"{Self()}/{Uri.EscapeDataString(name)}";
        Response.Headers.RetryAfter = "2";
        return Accepted(job, new JobTriggered(name, clock.GetUtcNow(),
            $"Job '{name}' will run as soon as a hub process's scheduler takes it; its lastRun shows the outcome.",
            [new OgcLink(job, "monitor", "application/json", "The job, with its last run")]));
    }

    private async Task<JobSummary?> SummaryAsync(IScheduler scheduler, JobKey key, IReadOnlyDictionary<string, JobRuns.LastRun> last, CancellationToken ct)
    {
        if (await scheduler.GetJobDetail(key, ct) is not { } detail)
        {
            return null;
        }
        // The job's own schedule trigger shares its name; runs asked for now have triggers of their own.
        var triggers = await scheduler.GetTriggersOfJob(key, ct);
        var scheduled = triggers.FirstOrDefault(t => t.Key.Equals(new TriggerKey(key.Name, SchedulingSetup.Group)));
        var run = last.TryGetValue(key.Name, out var r)
            ? new JobLastRun(r.Status, r.StartedAt, r.FinishedAt, r.InstanceId, r.Manual, r.Result, r.Error)
            : null;
        var self = $"{Self()}/{Uri.EscapeDataString(key.Name)}";
        return new JobSummary(key.Name, detail.Description, Describe(scheduled), scheduled?.NextFireTimeUtc,
            scheduled?.PreviousFireTimeUtc, run,
            [new OgcLink(self, "self", "application/json", "This job"),
             new OgcLink($"{self}/trigger", "trigger", "application/json", "POST to run it now")]);
    }

    private static string Describe(ITrigger? trigger) => trigger switch
    {
        ICronTrigger cron => $"cron '{cron.CronExpressionString}' ({cron.TimeZone.Id})",
        ISimpleTrigger simple => $"every {simple.RepeatInterval}",
        null => "none (run on demand only)",
        _ => trigger.GetType().Name,
    };

    private string Self() => $"{OgcLinks.Base(Request)}/api/v1/jobs";

    private ObjectResult UnknownJob(string name) =>
        Problem(statusCode: 404, title: "Unknown job", detail: $"There is no job '{name}'. The jobs are listed at /api/v1/jobs.");
}

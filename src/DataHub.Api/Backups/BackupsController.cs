using Microsoft.Extensions.Options;
using Asp.Versioning;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Api.Jobs;
using Microsoft.AspNetCore.Mvc;
using Quartz;

namespace DataHub.Api.Backups;

/// <summary>
/// The database's backups on the backup server (regulation Article 7.3) and the restore drills
/// that prove them. Backups and drills run as jobs; POST asks for one now.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/backups")]
[Tags("Backups")]
[Microsoft.AspNetCore.Authorization.Authorize(Policy = DataHub.Api.Infrastructure.Auth.Permissions.OperationsManage)]
public sealed class BackupsController(BackupStore store, ISchedulerFactory schedulers, IOptions<BackupSettings> settings, TimeProvider clock, Npgsql.NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>The latest 100 backups and 20 restore drills, newest first, and where backups go.</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "ListBackups")]
    [ProducesResponseType<BackupList>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken ct)
    {
        var runs = await store.RunsAsync(null, 100, ct);
        var drills = await store.DrillsAsync(20, ct);
        return Ok(new BackupList(Target(), [.. runs.Select(ToSummary)],
            [.. drills.Select(d => new DrillSummary(d.Id, d.BackupId, d.Status, d.StartedAt, d.FinishedAt, d.ScratchDatabase, d.Tables, d.Mismatches, d.Error))],
            [new OgcLink(Self(), "self", "application/json", "Backups and drills"),
             new OgcLink($"{OgcLinks.Base(Request)}/api/v1/jobs/{BackupJob.Name}", "related", "application/json", "The backup job")]));
    }

    /// <summary>One backup, with its manifest (row counts and checksums of every table).</summary>
    /// <param name="id">The backup's id, e.g. datahub-20250601T183000123Z.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{id}", Name = "GetBackup")]
    [ProducesResponseType<BackupSummary>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(string id, CancellationToken ct)
    {
        var runs = await store.RunsAsync(id, 1, ct);
        return runs.Count == 0
            ? Problem(statusCode: 404, title: "Unknown backup", detail: $"There is no backup '{id}'. Backups are listed at /api/v1/backups.")
            : Ok(ToSummary(runs[0]));
    }

    /// <summary>Back up now. Answered 202: the backup job runs on a hub process's scheduler; the job's lastRun (Location) and this list show the outcome.</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpPost(Name = "RunBackup")]
    [ProducesResponseType<JobTriggered>(StatusCodes.Status202Accepted, "application/json")]
    public Task<IActionResult> Run(CancellationToken ct) => TriggerAsync(BackupJob.Name, "A backup", ct);

    /// <summary>Run a restore drill now: the latest backup restored into the scratch database and compared with its manifest.</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpPost("drills", Name = "RunRestoreDrill")]
    [ProducesResponseType<JobTriggered>(StatusCodes.Status202Accepted, "application/json")]
    public Task<IActionResult> Drill(CancellationToken ct) => TriggerAsync(RestoreDrillJob.Name, "A restore drill", ct);

    private async Task<IActionResult> TriggerAsync(string job, string what, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.TriggerJob(new JobKey(job, SchedulingSetup.Group), ct);
        await DataHub.Api.Audit.AuditTrail.AppendAsync(dataSource, DataHub.Api.Infrastructure.Auth.HubPrincipal.Actor(User), "job.triggered", $"job:{job}", null, ct);
        var location = $"{OgcLinks.Base(Request)}/api/v1/jobs/{job}";
        Response.Headers.RetryAfter = "5";
        return Accepted(location, new JobTriggered(job, clock.GetUtcNow(),
            $"{what} will run as soon as a hub process's scheduler takes it; the job's lastRun and /api/v1/backups show the outcome.",
            [new OgcLink(location, "monitor", "application/json", "The job, with its last run"),
             new OgcLink(Self(), "related", "application/json", "Backups and drills")]));
    }

    private BackupTargetInfo Target()
    {
        var (location, meets) = BackupTargets.Describe(settings.Value);
        return new BackupTargetInfo(location, meets, meets ? null
            : location == "(none)" ? "No backup target is configured: backups fail until Backups:Target is set (sftp)." : BackupTargets.LocalFolderWarning);
    }

    private BackupSummary ToSummary(BackupStore.Run r) =>
        new(r.Id, r.Status, r.Trigger, r.Target, r.MeetsRegulation, r.StartedAt, r.FinishedAt, r.SizeBytes, r.Sha256, r.VerifiedAt, r.Error,
            r.RemovedAt, r.Manifest, [new OgcLink($"{Self()}/{Uri.EscapeDataString(r.Id)}", "self", "application/json", "This backup")]);

    private string Self() => $"{OgcLinks.Base(Request)}/api/v1/backups";
}

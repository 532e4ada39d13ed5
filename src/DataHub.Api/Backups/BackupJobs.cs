using Quartz;

namespace DataHub.Api.Backups;

/// <summary>The daily backup (Backups:DailyAt, local time).</summary>
[DisallowConcurrentExecution]
public sealed class BackupJob(BackupService backups) : IJob
{
    public const string Name = "backup";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var manual = context.Trigger.Key.Group != Infrastructure.Scheduling.SchedulingSetup.Group;
        var outcome = await backups.RunAsync(manual ? "manual" : "scheduled", null, cancellationToken);
        context.Result = $"{outcome.Manifest.Id}: {outcome.Manifest.SizeBytes} bytes on {outcome.Location}, verified"
            + (outcome.Removed.Count > 0 ? $"; retention removed {string.Join(", ", outcome.Removed)}" : "")
            + (outcome.MeetsRegulation ? "" : $" ({BackupTargets.LocalFolderWarning})");
    }
}

/// <summary>The daily restore drill (Backups:DrillAt, local time).</summary>
[DisallowConcurrentExecution]
public sealed class RestoreDrillJob(RestoreService restores) : IJob
{
    public const string Name = "backup-restore-drill";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var outcome = await restores.DrillAsync(cancellationToken);
        context.Result = $"{outcome.BackupId} restored; {outcome.Tables} tables match its manifest";
    }
}

using Quartz;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>
/// Records each hub job's run in jobs.last_runs as it starts and ends, and logs a failure. A
/// job reports what it did by setting context.Result (shown as the run's result); a job fails by
/// throwing. Recording never fails the job itself: a database hiccup costs the record only.
/// </summary>
public sealed partial class JobRunListener(JobRuns runs, TimeProvider clock, ILogger<JobRunListener> logger) : IJobListener
{
    public string Name => nameof(JobRunListener);

    public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (context.JobDetail.Key.Group != SchedulingSetup.Group)
        {
            return;
        }
        var manual = context.Trigger.Key.Group != SchedulingSetup.Group;
        await RecordAsync(context, () => runs.StartedAsync(context.JobDetail.Key.Name, context.Scheduler.SchedulerInstanceId,
            context.FireInstanceId, manual, clock.GetUtcNow(), cancellationToken));
    }

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        if (context.JobDetail.Key.Group != SchedulingSetup.Group)
        {
            return;
        }
        var error = jobException is null ? null : WhatTheJobThrew(jobException).Message;
        if (error is not null)
        {
            LogFailed(logger, context.JobDetail.Key.Name, error);
        }
        await RecordAsync(context, () => runs.FinishedAsync(context.JobDetail.Key.Name, context.FireInstanceId, error is null,
            context.Result?.ToString(), error, clock.GetUtcNow(), cancellationToken));
    }

    // Quartz wraps what the job threw in its own exceptions; the job's own one says what went wrong.
    private static Exception WhatTheJobThrew(Exception e)
    {
        while (e is SchedulerException && e.InnerException is { } inner)
        {
            e = inner;
        }
        return e;
    }

    private async Task RecordAsync(IJobExecutionContext context, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            LogNotRecorded(logger, context.JobDetail.Key.Name, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string job, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run of job {Job} could not be recorded")]
    private static partial void LogNotRecorded(ILogger logger, string job, Exception exception);
}

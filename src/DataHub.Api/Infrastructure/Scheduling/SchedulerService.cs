using Quartz;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>
/// Starts this process's scheduler node once the database lets it, and stops it with the hub
/// (letting running jobs finish). The CLI verbs never start the host, so they never fire jobs;
/// with Scheduling:Enabled=false a process fires nothing but can still list and trigger jobs,
/// which another node then runs.
/// </summary>
public sealed partial class SchedulerService(ISchedulerFactory schedulers, IConfiguration configuration, ILogger<SchedulerService> logger)
    : BackgroundService
{
    private IScheduler? started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!SchedulingSetup.Enabled(configuration))
        {
            return;
        }
        var retry = TimeSpan.FromSeconds(configuration.GetValue("Scheduling:RetrySeconds", 15));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var scheduler = await schedulers.GetScheduler(stoppingToken);
                await scheduler.Start(stoppingToken);
                started = scheduler;
                LogStarted(logger, scheduler.SchedulerInstanceId);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SchedulerException e)
            {
                // Usually the database is not reachable yet; the hub serves meanwhile.
                LogNotStarted(logger, retry.TotalSeconds, e);
            }
            await Task.Delay(retry, stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (started is not null)
        {
            await started.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler node {Instance} started")]
    private static partial void LogStarted(ILogger logger, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduler could not start; trying again in {Seconds} s")]
    private static partial void LogNotStarted(ILogger logger, double seconds, Exception exception);
}

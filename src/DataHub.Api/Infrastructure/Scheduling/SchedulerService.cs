using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>
/// Starts this process's scheduler node once the database lets it, and stops it with the hub
/// (letting running jobs finish). The CLI verbs never start the host, so they never fire jobs;
/// with Scheduling:Enabled=false a process fires nothing but can still list and trigger jobs,
/// which another node then runs.
/// </summary>
/// <remarks>
/// The scheduler must be down before the data source it runs on is disposed: a Quartz node whose
/// connections fail retries releasing its trigger for ever, so a shutdown started but not
/// finished when the container goes away never ends (and a host stopped twice at once, as
/// WebApplicationFactory and the entry point do, disposes the container while the first stop is
/// still running). So the shutdown is one task that stopping and disposing both await, and this
/// service takes the data source in its constructor: the container creates the data source first
/// and therefore disposes it after this service.
/// </remarks>
/// <remarks>
/// Quartz's container-built factory makes its scheduler once: if that fails (its job store could
/// not reach the database while it registered the schedules), every later call answers that the
/// scheduler has been shut down, and a retry loop would only log that for ever while no backup
/// runs. So the service first waits until the job store's tables answer, touching nothing of
/// Quartz; if the scheduler still cannot be made, the process stops (exit code 1) for its service
/// manager to start it again, rather than serve on without its jobs.
/// </remarks>
public sealed partial class SchedulerService(ISchedulerFactory schedulers, NpgsqlDataSource dataSource, IOptions<SchedulingSettings> settings,
    IHostApplicationLifetime lifetime, ILogger<SchedulerService> logger) : BackgroundService, IAsyncDisposable
{
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(60);
    private readonly Lock gate = new();
    private IScheduler? started;
    private Task? shutdown;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Value.Enabled)
        {
            return;
        }
        var retry = TimeSpan.FromSeconds(settings.Value.RetrySeconds);
        while (!await JobStoreAnswersAsync(stoppingToken))
        {
            LogDatabaseNotReady(logger, retry.TotalSeconds);
            try
            {
                await Task.Delay(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting to try again (a hub that failed to start, say): nothing to shut down.
                return;
            }
        }
        try
        {
            var scheduler = await schedulers.GetScheduler(stoppingToken);
            lock (gate)
            {
                if (shutdown is not null)
                {
                    return;
                }
                // Known before it starts, so a stop that comes during Start still shuts it down.
                started = scheduler;
            }
            await scheduler.Start(stoppingToken);
            LogStarted(logger, scheduler.SchedulerInstanceId);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (SchedulerException e)
        {
            // The factory is spent (see remarks): only a new process can schedule again.
            LogCannotStart(logger, e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>Whether the database answers and holds the job store (the hub serves meanwhile if not).</summary>
    private async Task<bool> JobStoreAnswersAsync(CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"select 1 from {SchedulingSetup.TablePrefix}locks limit 1");
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException
                                  || (e is OperationCanceledException && ct.IsCancellationRequested))
        {
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ShutdownOnce().WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ShutdownOnce().WaitAsync(DisposeWait);
        }
        catch (TimeoutException)
        {
            LogShutdownSlow(logger, DisposeWait.TotalSeconds);
        }
        base.Dispose();
    }

    public override void Dispose()
    {
        if (!ShutdownOnce().Wait(DisposeWait))
        {
            LogShutdownSlow(logger, DisposeWait.TotalSeconds);
        }
        base.Dispose();
    }

    private Task ShutdownOnce()
    {
        lock (gate)
        {
            return shutdown ??= started is null ? Task.CompletedTask : started.Shutdown(waitForJobsToComplete: true).AsTask();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler node {Instance} started")]
    private static partial void LogStarted(ILogger logger, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database (its Quartz job store) does not answer; the scheduler starts when it does, trying again in {Seconds} s")]
    private static partial void LogDatabaseNotReady(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The scheduler could not be started and cannot be made again in this process: stopping the hub (exit code 1) so that its service manager starts it again")]
    private static partial void LogCannotStart(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduler did not shut down within {Seconds} s; the hub goes away without it")]
    private static partial void LogShutdownSlow(ILogger logger, double seconds);
}

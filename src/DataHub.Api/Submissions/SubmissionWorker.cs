using DataHub.Api.Infrastructure.Scheduling;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Submissions;

/// <summary>
/// Applies submissions that were answered 202, oldest first, one at a time per hub process.
/// Started with the hub, so a hub killed mid-way takes its unfinished submission up again.
/// </summary>
public sealed partial class SubmissionWorker(SubmissionService service, Wakeup<SubmissionWorker> signal, ILogger<SubmissionWorker> logger, IOptions<SubmissionSettings> settings) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(settings.Value.PollMilliseconds);
        var sweepEvery = TimeSpan.FromMinutes(settings.Value.SweepMinutes);
        var swept = DateTime.MinValue;
        try
        {
            await service.WarmUpAsync(settings.Value.WarmUpRecords, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the first large submission's speed depends on it: the worker goes on.
            LogWarmUpFailed(logger, e);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow - swept > sweepEvery)
                {
                    // Staging left by submissions whose hub was killed: at start, then now and then.
                    var dropped = await service.SweepStagingAsync(stoppingToken);
                    swept = DateTime.UtcNow;
                    if (dropped > 0)
                    {
                        LogSwept(logger, dropped);
                    }
                }
                if (await service.ProcessNextAsync(stoppingToken))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or IOException)
            {
                // The database may be unreachable for a while; the submission stays waiting.
                LogFailed(logger, e);
            }
            try
            {
                await signal.WaitAsync(idle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the staging of {Count} submissions that ended without dropping it")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The submissions' warm-up failed; the first large submission will be slower")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying a waiting submission failed; it stays waiting and is tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

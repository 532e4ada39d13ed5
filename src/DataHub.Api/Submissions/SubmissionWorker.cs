namespace DataHub.Api.Submissions;

/// <summary>
/// Applies submissions that were answered 202, oldest first, one at a time per hub process.
/// Started with the hub, so a hub killed mid-way takes its unfinished submission up again.
/// </summary>
public sealed partial class SubmissionWorker(SubmissionService service, SubmissionSignal signal, ILogger<SubmissionWorker> logger, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(configuration.GetValue("Submissions:PollMilliseconds", 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying a waiting submission failed; it stays waiting and is tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Options;

namespace DataHub.Api.Deliveries;

/// <summary>
/// Drains the outbox in every hub process (Deliveries:DrainInProcess, on by default): the claims'
/// SKIP LOCKED shares the work between processes. Also refreshes the outbox gauges.
/// </summary>
public sealed partial class DeliveryWorker(
    OutboxDrain drain, DeliveryQueries queries, DeliveryMetrics metrics, IEnumerable<IPartnerSender> senders,
    IOptionsMonitor<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gaugesAt = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var settled = 0;
            try
            {
                if (options.CurrentValue.DrainInProcess)
                {
                    settled = await drain.DrainAsync(TimeSpan.FromSeconds(30), stoppingToken);
                }
                if (time.GetUtcNow() - gaugesAt > TimeSpan.FromSeconds(options.CurrentValue.GaugeSeconds))
                {
                    metrics.Update(await queries.SummaryAsync(t => senders.Any(s => s.Target == t && s.IsConfigured), stoppingToken));
                    gaugesAt = time.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database may be away for a while, or a partner answered something unreadable: the
                // worker carries on, and claimed messages come back when their lease ends.
                LogFailed(logger, e);
            }
            if (settled == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.CurrentValue.PollMilliseconds), time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A delivery round failed; its messages are claimed again when their lease ends")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

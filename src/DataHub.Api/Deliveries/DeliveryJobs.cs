using System.Globalization;
using DataHub.Api.Infrastructure.Scheduling;
using Microsoft.Extensions.Options;
using Quartz;

namespace DataHub.Api.Deliveries;

/// <summary>
/// A drain pass on the cluster's schedule (one node at a time): what POST /api/v1/jobs/outbox-drain/trigger
/// runs, and the only drain when Deliveries:DrainInProcess is off. Every process also drains in
/// the background by default (DeliveryWorker), which is what spreads the work over the nodes.
/// </summary>
[DisallowConcurrentExecution]
public sealed class OutboxDrainJob(OutboxDrain drain) : IJob
{
    public const string Name = "outbox-drain";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var settled = await drain.DrainAsync(TimeSpan.FromMinutes(1), cancellationToken);
        context.Result = $"{settled} messages settled";
    }
}

/// <summary>The daily comparison with the Ministry, per commune; differences are queued for re-sending.</summary>
[DisallowConcurrentExecution]
public sealed class MinistryReconciliationJob(MinistryReconciliation reconciliation, IEnumerable<IPartnerSender> senders, IOptionsMonitor<DeliveryOptions> options) : IJob
{
    public const string Name = "outbox-reconcile";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!senders.Any(s => s.Target == "ministry" && s.IsConfigured))
        {
            throw new InvalidOperationException("Partners:Ministry:BaseUrl is not set: there is no Ministry to reconcile with.");
        }
        var results = new List<string>();
        foreach (var dataset in options.CurrentValue.ReconcileDatasets)
        {
            var r = await reconciliation.RunAsync(dataset, cancellationToken);
            results.Add(string.Create(CultureInfo.InvariantCulture,
                $"{r.Dataset}: {r.Compared} communes compared, {r.Differing.Count} differing{(r.Differing.Count > 0 ? $" ({string.Join(", ", r.Differing.Take(10))})" : "")}, {r.Queued} records queued again"));
        }
        context.Result = string.Join("; ", results);
    }
}

/// <summary>Daily removal of delivered messages past the retention period.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxCleanupJob(OutboxCleanup cleanup, IOptionsMonitor<DeliveryOptions> options) : IJob
{
    public const string Name = "outbox-cleanup";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var removed = await cleanup.RunAsync(cancellationToken);
        context.Result = string.Create(CultureInfo.InvariantCulture, $"{removed} delivered messages older than {options.CurrentValue.RetentionDays} days removed");
    }
}

public static class DeliveryJobs
{
    public static IServiceCollection AddDeliveryJobs(this IServiceCollection services)
    {
        services.AddHubJob<OutboxDrainJob>(OutboxDrainJob.Name, "Sends due outbox messages to the partners (every process also drains in the background)",
            sp => HubSchedules.Every(TimeSpan.FromSeconds(Settings(sp).DrainJobSeconds)));
        services.AddHubJob<MinistryReconciliationJob>(MinistryReconciliationJob.Name, "Compares counts and checksums per commune with the Ministry and queues the differences again",
            sp => HubSchedules.DailySetting(Settings(sp).ReconcileAt));
        services.AddHubJob<OutboxCleanupJob>(OutboxCleanupJob.Name, "Removes delivered messages older than Deliveries:RetentionDays",
            sp => HubSchedules.DailySetting(Settings(sp).CleanupAt));
        return services;
    }

    private static DeliveryOptions Settings(IServiceProvider services) => services.GetRequiredService<IOptions<DeliveryOptions>>().Value;
}

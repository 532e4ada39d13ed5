using DataHub.Api.Infrastructure.Scheduling;
using Npgsql;
using Quartz;

namespace DataHub.Tests.Jobs;

/// <summary>Test jobs that leave a row per run in public.probe_runs (which the test class creates).</summary>
[DisallowConcurrentExecution]
public sealed class ProbeJob(NpgsqlDataSource dataSource) : IJob
{
    public const string Table = "create table public.probe_runs (job text, fire_id text, instance text, scheduled_at timestamptz, manual boolean)";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("insert into public.probe_runs values ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new() { Value = context.JobDetail.Key.Name });
        command.Parameters.Add(new() { Value = context.FireInstanceId });
        command.Parameters.Add(new() { Value = context.Scheduler.SchedulerInstanceId });
        command.Parameters.Add(new() { Value = context.ScheduledFireTimeUtc ?? context.FireTimeUtc });
        command.Parameters.Add(new() { Value = context.Trigger.Key.Group != SchedulingSetup.Group });
        await command.ExecuteNonQueryAsync(cancellationToken);
        context.Result = "probe ran";
    }
}

[DisallowConcurrentExecution]
public sealed class FailingProbeJob : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the probe target is unreachable");
}

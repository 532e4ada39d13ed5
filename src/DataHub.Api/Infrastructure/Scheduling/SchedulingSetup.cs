using DataHub.Api.Infrastructure.Settings;
using Npgsql;
using Quartz;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>
/// Quartz on its PostgreSQL job store (schema quartz, migration 0020), clustered: every hub
/// process over the same database is a node, and a trigger fires on one of them only. Slices
/// add their jobs with <see cref="AddHubJob{TJob}"/>.
/// </summary>
public static class SchedulingSetup
{
    /// <summary>The group every hub job and its schedule trigger live in.</summary>
    public const string Group = "hub";

    /// <summary>Quartz prepends this to its table names: the tables live in their own schema.</summary>
    public const string TablePrefix = "quartz.qrtz_";

    public const string SchedulerName = "DataHub";

    public static WebApplicationBuilder AddScheduling(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<SchedulingSettings>("Scheduling");
        builder.Services.AddSingleton<JobRuns>();
        builder.Services.AddSingleton<JobRunListener>();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = SchedulerName;
                // Each node names itself (host + ticks), as a cluster needs.
                scheduler.GenerateInstanceId = true;
            });
            quartz.UseDefaultThreadPool(2);
            quartz.UsePersistentStore(store =>
            {
                // The hub's own data source (built lazily, so verbs without a database still run).
                store.UsePostgres(source => source.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                store.ConfigureStore(options =>
                {
                    options.TablePrefix = TablePrefix;
                    // A statement stuck behind a lock held by a vanished session fails and is retried, rather than waiting forever.
                    options.CommandTimeout = TimeSpan.FromSeconds(30);
                });
                store.UseClustering(clustering =>
                {
                    clustering.CheckinInterval = TimeSpan.FromSeconds(10);
                    clustering.CheckinMisfireThreshold = TimeSpan.FromSeconds(20);
                });
                store.UseSystemTextJsonSerializer();
            });
            quartz.AddJobListener(sp => sp.GetRequiredService<JobRunListener>());
        });
        // Not Quartz's own hosted service: that one fails the host's start when PostgreSQL is
        // down, and the hub must start (and say so on /health/ready) without its database.
        builder.Services.AddHostedService<SchedulerService>();
        return builder;
    }

    /// <summary>
    /// Registers a slice's job with its schedule trigger (both named <paramref name="name"/> in
    /// group <see cref="Group"/>). The schedule is built when the scheduler is, so it may read
    /// configuration (a job that cannot do its work unconfigured should fail and say so, rather
    /// than stay silent). Any job can also be triggered at once through /api/v1/jobs.
    /// Jobs should be thin, [DisallowConcurrentExecution], and delegate to slice code.
    /// </summary>
    public static IServiceCollection AddHubJob<TJob>(this IServiceCollection services, string name, string description,
        Func<IServiceProvider, IScheduleBuilder> schedule) where TJob : class, IJob
    {
        services.ConfigureAllQuartzSchedulers(quartz =>
        {
            quartz.AddJob<TJob>(job => job.WithIdentity(name, Group).WithDescription(description).StoreDurably());
            quartz.AddTrigger((sp, trigger) =>
            {
                trigger.ForJob(name, Group).WithIdentity(name, Group).WithDescription(description).WithSchedule(schedule(sp));
            });
        });
        return services;
    }
}

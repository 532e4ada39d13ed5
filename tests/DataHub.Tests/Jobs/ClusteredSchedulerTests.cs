using System.Net;
using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace DataHub.Tests.Jobs;

/// <summary>Two hub processes' worth of hubs (own hosts, own schedulers) over one database.</summary>
public sealed class ClusteredSchedulerTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private readonly List<WebApplicationFactory<Program>> hubs = [];

    private sealed class ClusterNode(string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATAHUB_DB"] = connectionString,
                ["DATAHUB_LOG_FORMAT"] = "simple",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
                ["Scheduling:Enabled"] = "true",
                ["Auth:SigningKey"] = TestPrincipals.SigningKey,
            }));
            builder.ConfigureServices(services =>
                services.AddHubJob<ProbeJob>("tick", "Every second", _ => HubSchedules.Every(TimeSpan.FromSeconds(1))));
        }
    }

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("cluster");
        await TestPrincipals.CreateOperatorAsync(database.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = dataSource.CreateCommand(ProbeJob.Table);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }
        await database.DisposeAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, params object[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task two_hubs_on_one_database_run_each_scheduled_firing_once()
    {
        for (var i = 0; i < 2; i++)
        {
            var hub = new ClusterNode(database.ConnectionString);
            hubs.Add(hub);
            hub.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            hub.StartServer();
            // Starts the host, and with it the node's scheduler.
            using var client = hub.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", TestPrincipals.OperatorToken);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/jobs")).StatusCode);
        }
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var since = DateTimeOffset.UtcNow;

        long fired = 0;
        for (var i = 0; i < 120 && fired < 10; i++)
        {
            await Task.Delay(500);
            fired = await ScalarAsync(dataSource, "select count(*) from public.probe_runs where scheduled_at > $1", since);
        }
        Assert.True(fired >= 10, $"only {fired} firings in 60 s");
        Assert.Equal(2, await ScalarAsync(dataSource, "select count(*) from quartz.qrtz_scheduler_state"));
        var distinct = await ScalarAsync(dataSource, "select count(distinct scheduled_at) from public.probe_runs where scheduled_at > $1", since);
        var all = await ScalarAsync(dataSource, "select count(*) from public.probe_runs where scheduled_at > $1", since);
        Assert.Equal(distinct, all);
    }
}

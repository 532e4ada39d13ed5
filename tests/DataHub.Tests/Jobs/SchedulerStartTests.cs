using System.Net;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Jobs;

/// <summary>A hub with its scheduler on, started while its database refuses connections (PostgreSQL still starting, say).</summary>
public sealed class LateDatabaseHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Scheduling:Enabled", "true"), new("Scheduling:RetrySeconds", "1"), .. Backups.BackupHubFixture.QuietExpectedFailures];

    protected override Task PrepareDatabaseAsync() => AllowConnectionsAsync(false);

    public async Task AllowConnectionsAsync(bool allowed)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"alter database \"{Database.Name}\" with allow_connections {allowed}", connection);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SchedulerStartTests(LateDatabaseHubFixture hub) : IClassFixture<LateDatabaseHubFixture>
{
    [Fact]
    public async Task a_hub_started_before_its_database_answers_serves_meanwhile_and_starts_its_scheduler_once_it_does()
    {
        var ready = await hub.CreateAnonymousClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        // Longer than Quartz's own retries while it builds the scheduler (4 attempts, 1 s apart):
        // a hub that asked Quartz before the database answered would never get a scheduler.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await hub.AllowConnectionsAsync(true);
        // The node checks in to the clustered job store once its scheduler runs (bounded wait).
        for (var i = 0; i < 120; i++)
        {
            if (await NodesCheckedInAsync() > 0)
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail("the scheduler did not start within 30 s of the database accepting connections");
    }

    private async Task<long> NodesCheckedInAsync()
    {
        await using var connection = new NpgsqlConnection(hub.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from quartz.qrtz_scheduler_state", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Deliveries;

/// <summary>
/// The sample province (loaded before any route was on, so the Ministry has none of it), the
/// parcels route to the Ministry on, the scheduler on, and the reference receiver as the Ministry.
/// </summary>
public sealed class ReconcilingHubFixture : SeededHubFixture
{
    private Receiver? receiver;
    private readonly int port = LocalProcess.FreePort();

    public Receiver Receiver => receiver!;

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        await using (var command = DataSource.CreateCommand("update outbox.routes set enabled = true where dataset_id = 'parcels' and target = 'ministry'"))
        {
            await command.ExecuteNonQueryAsync();
        }
        receiver = await Receiver.StartAsync(port);
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Scheduling:Enabled", "true"),
        new("Partners:Ministry:BaseUrl", $"http://127.0.0.1:{port}/ministry"),
        new("Deliveries:PollMilliseconds", "100"),
    ];

    protected override async Task CleanupAsync()
    {
        if (receiver is not null)
        {
            await receiver.DisposeAsync();
        }
    }
}

public sealed class DeliveryJobsTests(ReconcilingHubFixture hub) : IClassFixture<ReconcilingHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    /// <summary>Triggers the job and waits (bounded) for a finished run other than the one before.</summary>
    private async Task<JsonElement> RunJobAsync(string name)
    {
        static string? Started(JsonElement job) =>
            job.TryGetProperty("lastRun", out var run) && run.ValueKind == JsonValueKind.Object ? run.GetProperty("startedAt").GetString() : null;
        var previous = Started(JsonDocument.Parse(await client.GetStringAsync($"/api/v1/jobs/{name}")).RootElement);
        var response = await client.PostAsync($"/api/v1/jobs/{name}/trigger", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        for (var i = 0; i < 240; i++)
        {
            var job = JsonDocument.Parse(await client.GetStringAsync(response.Headers.Location!)).RootElement;
            if (Started(job) is { } started && started != previous && job.GetProperty("lastRun").GetProperty("status").GetString() is "succeeded" or "failed")
            {
                var run = job.GetProperty("lastRun");
                Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
                return run;
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"{name} did not finish a run within 60 s");
    }

    private async Task WaitDrainedAsync()
    {
        for (var i = 0; await hub.ScalarAsync<long>("select count(*) from outbox.messages where status = 'pending'") > 0; i++)
        {
            Assert.True(i < 480, "the outbox was not drained within 120 s");
            await Task.Delay(250);
        }
    }

    private async Task<Dictionary<string, (long Count, string Checksum)>> MinistrySummaryAsync() =>
        (await hub.Receiver.SummaryAsync("parcels")).GetProperty("communes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("commune").GetString()!, c => (c.GetProperty("count").GetInt64(), c.GetProperty("checksum").GetString()!));

    [Fact]
    public async Task reconciliation_queues_again_every_commune_the_ministry_holds_differently_and_then_finds_none()
    {
        await hub.ExecuteAsWriterAsync("update land.parcels set address = 'changed' where id in (select id from land.parcels order by id limit 20)");
        await hub.ExecuteAsWriterAsync("delete from land.parcels where id = (select id from land.parcels order by id limit 1)");
        await WaitDrainedAsync();
        var communes = await hub.ScalarAsync<long>("select count(distinct commune_code) from land.parcels");

        var first = await RunJobAsync("outbox-reconcile");
        Assert.Matches($"^parcels: {communes} communes compared, {communes} differing .*, {SeededHubFixture.Parcels - 1 + 1} records queued again$",
            first.GetProperty("result").GetString());
        await WaitDrainedAsync();
        var ministry = await MinistrySummaryAsync();
        Assert.Equal(SeededHubFixture.Parcels - 1, ministry.Values.Sum(c => c.Count));

        var second = await RunJobAsync("outbox-reconcile");
        Assert.Equal($"parcels: {communes} communes compared, 0 differing, 0 records queued again", second.GetProperty("result").GetString());
    }

    [Fact]
    public async Task clean_up_removes_delivered_messages_past_retention_with_their_attempts_and_keeps_the_rest()
    {
        await hub.ExecuteAsWriterAsync("update land.parcels set address = 'old' where id in (select id from land.parcels order by id desc limit 5)");
        await WaitDrainedAsync();
        await hub.ExecuteAsWriterAsync("""
            update outbox.messages set finished_at = now() - interval '31 days' where status = 'delivered';
            insert into outbox.messages (target, dataset_id, entity_key, change, status, finished_at, attempts) values ('ioc', 'parcels', 'x', 'update', 'dead', now() - interval '90 days', 10);
            """);
        var delivered = await hub.ScalarAsync<long>("select count(*) from outbox.messages where status = 'delivered'");
        Assert.True(delivered >= 5);

        var run = await RunJobAsync("outbox-cleanup");
        Assert.Equal($"{delivered} delivered messages older than 30 days removed", run.GetProperty("result").GetString());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from outbox.messages where status = 'delivered'"));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from outbox.attempts a where not exists (select 1 from outbox.messages m where m.id = a.message_id)"));
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from outbox.messages where status = 'dead'"));
    }
}

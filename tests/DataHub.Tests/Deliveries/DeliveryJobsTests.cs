using System.Diagnostics.Metrics;
using System.Net;
using DataHub.Api.Deliveries;
using Microsoft.Extensions.DependencyInjection;
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
        new("Deliveries:GaugeSeconds", "0.2"),
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

    [Fact]
    public async Task the_outbox_metrics_count_deliveries_and_show_the_pending_messages_and_the_lag()
    {
        // Only this hub's meter: other test classes run hubs in the same process.
        var factory = hub.Services.GetRequiredService<IMeterFactory>();
        long delivered = 0;
        var gauges = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DeliveryMetrics.MeterName && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "datahub.deliveries.messages" && tags.ToArray().Contains(new("outcome", "delivered")))
            {
                Interlocked.Add(ref delivered, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Contains(new("target", "ministry")))
            {
                gauges[instrument.Name] = value;
            }
        });
        listener.Start();

        // Held back for a moment (in the same transaction, so never due before), so the gauges see them pending.
        await hub.ExecuteAsWriterAsync("""
            update land.parcels set address = 'metered' where id in (select id from land.parcels order by id desc limit 3);
            update outbox.messages set next_attempt_at = now() + interval '3 seconds' where status = 'pending';
            """);
        for (var i = 0; !(gauges.GetValueOrDefault("datahub.deliveries.pending") >= 3 && gauges.GetValueOrDefault("datahub.deliveries.lag") > 0); i++)
        {
            Assert.True(i < 100, $"the gauges never showed the pending messages: {string.Join(", ", gauges)}");
            await Task.Delay(100);
            listener.RecordObservableInstruments();
        }
        await WaitDrainedAsync();
        for (var i = 0; Interlocked.Read(ref delivered) < 3; i++)
        {
            Assert.True(i < 100, $"the counter saw {delivered} delivered messages");
            await Task.Delay(100);
        }
    }
}

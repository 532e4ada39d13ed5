using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DataHub.Tests.Deliveries;

/// <summary>
/// A hub process pushing parcel changes to the reference receiver (a real process on 127.0.0.1)
/// while the receiver is down, failing, throttling or refusing a record.
/// </summary>
public sealed class PartnerFaultTests
{
    private const int Parcels = 40;
    private const int Rounds = 3;
    private const int MessagesPerTarget = Parcels * Rounds + 1; // every round, and the retirement of one parcel
    private static readonly string[] DeadAfterThree = ["refused", "refused", "dead"];
    private static readonly string[] ReplayedAndDelivered = ["refused", "refused", "dead", "replayed", "delivered"];

    [Fact]
    public async Task a_receiver_down_for_the_whole_changes_gets_every_message_once_and_in_order_when_it_comes_up()
    {
        await using var rig = await OutboxRig.CreateAsync("down", 60, "ministry", "ioc");
        var hub = await rig.StartHubAsync();
        await rig.ChangeParcelsAsync(Parcels, Rounds);

        // Tried while the receiver is down (the first messages have unreachable attempts), none lost or dead.
        for (var i = 0; await rig.ScalarAsync<long>("select count(distinct m.target) from outbox.attempts a join outbox.messages m on m.id = a.message_id where a.outcome = 'unreachable'") < 2; i++)
        {
            Assert.True(i < 240, $"the hub never tried the partners ({await rig.ScalarAsync<long>("select count(*) from outbox.messages")} messages): {hub.Output}");
            await Task.Delay(250);
        }
        Assert.Equal(0L, await rig.ScalarAsync<long>("select count(*) from outbox.messages where status <> 'pending'"));

        await using var receiver = await rig.StartReceiverAsync();
        await OutboxRig.WaitDrainedAsync(hub, "ministry");
        await OutboxRig.WaitDrainedAsync(hub, "ioc");
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ministry", MessagesPerTarget);
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ioc", MessagesPerTarget);
        // Records go out as they are when sent: the retired parcel's messages all say so, the last one included.
        var received = await receiver.ReceivedAsync();
        var applied = received.Applied;
        Assert.Single(applied.Where(a => a.Change == "delete").Select(a => a.Key).Distinct());
        // The batch names the exchange structure by its $id, which a partner can resolve, not by a path on the hub.
        Assert.Equal("https://datahub.local/schemas/parcels/v1", received.Schemas["parcels"]);
        // With a Content-Length (they went chunked, which some partners' gateways refuse).
        var sent = received.Requests.Where(r => r.Status == 200 && (r.Path.StartsWith("/ministry/", StringComparison.Ordinal) || r.Path.StartsWith("/ioc/", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, r => Assert.True(r.ContentLength > 0, $"{r.Path} went without a Content-Length"));
        Assert.All(applied.GroupBy(a => a.Target), t => Assert.Equal("delete", t.Last(a => a.Key == applied.First(d => d.Change == "delete").Key).Change));
    }

    [Fact]
    public async Task thirty_percent_of_503s_still_deliver_every_message_once_and_in_order()
    {
        await using var rig = await OutboxRig.CreateAsync("faults503", 60, "ministry", "ioc");
        await using var receiver = await rig.StartReceiverAsync("--Faults:FailureRate=0.3");
        var hub = await rig.StartHubAsync(("Deliveries__BatchSize", "10"));
        await rig.ChangeParcelsAsync(Parcels, Rounds);

        await OutboxRig.WaitDrainedAsync(hub, "ministry");
        await OutboxRig.WaitDrainedAsync(hub, "ioc");
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ministry", MessagesPerTarget);
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ioc", MessagesPerTarget);
        Assert.Contains((await receiver.ReceivedAsync()).Requests, r => r.Status == 503);
    }

    [Fact]
    public async Task a_429_is_waited_out_for_its_retry_after_and_the_hub_authenticates_with_client_credentials()
    {
        await using var rig = await OutboxRig.CreateAsync("throttled", 20, "ministry");
        await using var receiver = await rig.StartReceiverAsync("--Faults:RequireToken=true");
        await receiver.SetFaultsAsync(new { throttleNext = 3, retryAfterSeconds = 2, requireToken = true });
        // One send at a time: a request already on its way when the 429 came is not a request that ignored it.
        var hub = await rig.StartHubAsync(
            ("Deliveries__SendersPerTarget", "1"),
            ("Partners__Ministry__Authentication", "client-credentials"),
            ("Partners__Ministry__TokenUrl", $"http://127.0.0.1:{receiver.Port}/token"),
            ("Partners__Ministry__ClientId", "datahub"),
            ("Partners__Ministry__ClientSecret", "secret"));
        await rig.ChangeParcelsAsync(10, 1);

        await OutboxRig.WaitDrainedAsync(hub, "ministry");
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ministry", 11);
        var requests = (await receiver.ReceivedAsync()).Requests.Where(r => r.Path.StartsWith("/ministry/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, requests.Count(r => r.Status == 429));
        Assert.DoesNotContain(requests, r => r.Status == 401);
        AssertNextRequestWaited(requests, 2);

        // A longer Retry-After is not waited out inside the request: the messages wait for it instead.
        await receiver.SetFaultsAsync(new { throttleNext = 1, retryAfterSeconds = 6, requireToken = true });
        await rig.ExecuteAsync("select set_config('datahub.writer', 'test', false); update land.parcels set address = 'later' where id = (select min(id) from land.parcels)");
        await OutboxRig.WaitDrainedAsync(hub, "ministry");
        requests = (await receiver.ReceivedAsync()).Requests.Where(r => r.Path.StartsWith("/ministry/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, requests.Count(r => r.Status == 429));
        AssertNextRequestWaited(requests, 6);
        Assert.Equal(12L, await rig.ScalarAsync<long>("select count(*) from outbox.messages where status = 'delivered'"));
        Assert.Contains("429", await rig.ScalarAsync<string>("select error from outbox.attempts where outcome = 'unreachable' order by id desc limit 1"), StringComparison.Ordinal);
    }

    // The receiver logs when it answers; the hub's next request comes no sooner than Retry-After.
    private static void AssertNextRequestWaited(List<ReceiverRequest> requests, int retryAfterSeconds)
    {
        for (var i = 0; i < requests.Count - 1; i++)
        {
            if (requests[i].Status == 429 && requests[i].RetryAfterSeconds == retryAfterSeconds)
            {
                var gap = requests[i + 1].At - requests[i].At;
                Assert.True(gap >= TimeSpan.FromSeconds(retryAfterSeconds - 0.1),
                    $"the request after a 429 with Retry-After: {retryAfterSeconds} came {gap.TotalSeconds:0.00} s later");
            }
        }
    }

    [Fact]
    public async Task a_message_that_always_fails_is_dead_lettered_after_its_attempts_holds_back_its_record_and_a_replay_delivers_it_once_fixed()
    {
        await using var rig = await OutboxRig.CreateAsync("deadletter", 20, "ministry");
        var poisoned = (await rig.ScalarAsync<long>("select id from land.parcels order by id limit 1")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var receiver = await rig.StartReceiverAsync();
        await receiver.SetFaultsAsync(new { rejectKeys = new[] { poisoned } });
        var hub = await rig.StartHubAsync(("Deliveries__MaxAttempts", "3"));
        await rig.ChangeParcelsAsync(5, 2); // two messages for the poisoned parcel

        JsonElement dead = default;
        for (var i = 0; ; i++)
        {
            var page = await hub.Client.GetFromJsonAsync<JsonElement>("/api/v1/deliveries/messages?status=dead&target=ministry");
            if (page.GetProperty("messages").GetArrayLength() > 0)
            {
                dead = page.GetProperty("messages")[0];
                break;
            }
            Assert.True(i < 240, "nothing was dead-lettered");
            await Task.Delay(250);
        }
        Assert.Equal(poisoned, dead.GetProperty("entityKey").GetString());
        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.Contains("RejectKeys", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var id = dead.GetProperty("id").GetInt64();
        var detail = await hub.Client.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/messages/{id}");
        Assert.Equal(DeadAfterThree, detail.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!).ToArray());

        // The others are delivered; the poisoned parcel's later change waits behind its dead letter, unsent.
        for (var i = 0; await rig.ScalarAsync<long>("select count(*) from outbox.messages where status = 'delivered'") < 9; i++)
        {
            Assert.True(i < 240, "the other records were not delivered");
            await Task.Delay(250);
        }
        Assert.Equal(1L, await rig.ScalarAsync<long>($"select count(*) from outbox.messages where status = 'pending' and entity_key = '{poisoned}'"));
        Assert.DoesNotContain((await receiver.ReceivedAsync()).Applied, a => a.Key == poisoned);

        await receiver.SetFaultsAsync(new { });
        var replay = await hub.Client.PostAsync($"/api/v1/deliveries/messages/{id}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await OutboxRig.WaitDrainedAsync(hub, "ministry");
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ministry", 11);
        Assert.Equal(2, (await receiver.ReceivedAsync()).Applied.Count(a => a.Key == poisoned));
        var replayed = await hub.Client.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/messages/{id}");
        Assert.Equal("delivered", replayed.GetProperty("message").GetProperty("status").GetString());
        Assert.Equal(ReplayedAndDelivered,
            replayed.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!).ToArray());
    }
}

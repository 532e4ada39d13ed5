namespace DataHub.Tests.Deliveries;

/// <summary>Hub processes killed mid-delivery, or draining side by side, against the reference receiver.</summary>
public sealed class HubFailureTests
{
    [Fact]
    public async Task a_hub_killed_with_sigkill_mid_delivery_and_started_again_loses_no_message_and_applies_none_twice()
    {
        const int parcels = 150;
        const int rounds = 2;
        await using var rig = await OutboxRig.CreateAsync("killeddelivery", parcels, "ministry");
        // Slow answers: the hub is killed with requests in flight (applied by the receiver or not).
        await using var receiver = await rig.StartReceiverAsync("--Faults:SlowAckMs=150");
        await rig.ChangeParcelsAsync(parcels, rounds);
        var settings = new[] { ("Deliveries__BatchSize", "10"), ("Deliveries__LeaseSeconds", "3") };
        var hub = await rig.StartHubAsync(settings);

        for (var i = 0; (await receiver.ReceivedAsync()).Applied.Count < 50; i++)
        {
            Assert.True(i < 400, "the hub delivered too little to be killed mid-way");
            await Task.Delay(50);
        }
        await hub.KillAsync();
        Assert.True(await rig.ScalarAsync<long>("select count(*) from outbox.messages where status = 'pending'") > 0, "everything was delivered before the kill");

        var restarted = await rig.StartHubAsync(settings);
        await OutboxRig.WaitDrainedAsync(restarted, "ministry");
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ministry", parcels * rounds + 1);
    }

    [Fact]
    public async Task two_hub_processes_draining_the_same_outbox_at_once_apply_each_message_once()
    {
        const int parcels = 200;
        const int rounds = 3;
        await using var rig = await OutboxRig.CreateAsync("twohubs", parcels, "ministry", "ioc");
        await using var receiver = await rig.StartReceiverAsync("--Faults:LatencyMs=20");
        var settings = ("Deliveries__BatchSize", "10");
        var first = await rig.StartHubAsync(settings);
        var second = await rig.StartHubAsync(settings);
        await rig.ChangeParcelsAsync(parcels, rounds);

        await OutboxRig.WaitDrainedAsync(first, "ministry");
        await OutboxRig.WaitDrainedAsync(second, "ioc");
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ministry", parcels * rounds + 1);
        await rig.AssertDeliveredOnceInOrderAsync(receiver, "ioc", parcels * rounds + 1);
        // Both processes took part: the deliveries were made under claims from two processes.
        Assert.Equal(2L, await rig.ScalarAsync<long>("select count(distinct worker) from outbox.attempts where outcome = 'delivered'"));
    }
}

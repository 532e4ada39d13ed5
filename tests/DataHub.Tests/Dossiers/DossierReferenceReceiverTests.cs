using System.Net.Http.Json;
using DataHub.Tests.Deliveries;

namespace DataHub.Tests.Dossiers;

/// <summary>The dossiers' partners played by the reference receiver (samples/PartnerReceiver) as a real process.</summary>
public sealed class DossierReferenceReceiverFixture : DossiersHubFixture
{
    public Receiver Receiver { get; private set; } = null!;

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        Receiver = await Receiver.StartAsync(LocalProcess.FreePort());
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Partners:TaxAuthority:BaseUrl", $"http://127.0.0.1:{Receiver.Port}/tax"),
        new("Partners:OneStopShop:BaseUrl", $"http://127.0.0.1:{Receiver.Port}/shop"),
    ];

    protected override async Task CleanupAsync()
    {
        await Receiver.DisposeAsync();
        await base.CleanupAsync();
    }
}

public sealed class DossierReferenceReceiverTests(DossierReferenceReceiverFixture hub) : IClassFixture<DossierReferenceReceiverFixture>
{
    [Fact]
    public async Task the_reference_receiver_plays_the_tax_authority_and_the_one_stop_shop_and_keeps_each_message_once()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        hub.Time.At("2026-03-10T09:00:00");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-REF-1")))).GetProperty("id").GetGuid();
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax"));

        for (var i = 0; i < 150 && await hub.ScalarAsync<long>("select count(*) from dossiers.messages where dossier_id = $1 and status = 'pending'", id) > 0; i++)
        {
            await Task.Delay(200);
        }
        var received = await hub.Receiver.ReceivedAsync();
        var tax = Assert.Single(received.Applied, a => a.Target == "tax");
        Assert.Equal("financial-obligation-information", tax.Change);
        Assert.Equal(id.ToString(), tax.Key);
        Assert.Equal(2, received.Applied.Count(a => a.Target == "shop" && a.Key == id.ToString()));
        Assert.Equal(0, received.Duplicates);
    }
}

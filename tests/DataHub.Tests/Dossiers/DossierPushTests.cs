using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DataHub.Tests.Dossiers;

/// <summary>A tax authority and a one-stop shop on 127.0.0.1 that record what they receive; the tax authority refuses its first try.</summary>
public sealed class DossierPartnersHubFixture : DossiersHubFixture
{
    private WebApplication? partners;

    public ConcurrentQueue<(string Path, string Key, JsonElement Body)> Received { get; } = new();

    private int taxTries;

    public int TaxTries => Volatile.Read(ref taxTries);

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        partners = builder.Build();
        partners.MapPost("/tax/dossiers/financial-obligations", async (HttpContext http) =>
        {
            // Away on the first try: the hub must try again and deliver it once.
            if (Interlocked.Increment(ref taxTries) == 1)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            await RecordAsync(http);
            return Results.Ok();
        });
        partners.MapPost("/shop/dossiers/{number}/events", async (HttpContext http) =>
        {
            await RecordAsync(http);
            return Results.Ok();
        });
        await partners.StartAsync();
    }

    private async Task RecordAsync(HttpContext http)
    {
        var body = await JsonDocument.ParseAsync(http.Request.Body);
        Received.Enqueue((http.Request.Path, http.Request.Headers["Idempotency-Key"].ToString(), body.RootElement.Clone()));
    }

    private string Base => partners!.Urls.First();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Partners:TaxAuthority:BaseUrl", $"{Base}/tax"),
        new("Partners:TaxAuthority:Resilience:Retries", "0"),
        new("Partners:OneStopShop:BaseUrl", $"{Base}/shop"),
    ];

    protected override async Task CleanupAsync()
    {
        if (partners is not null)
        {
            await partners.DisposeAsync();
        }
        await base.CleanupAsync();
    }
}

public sealed class DossierPushTests(DossierPartnersHubFixture hub) : IClassFixture<DossierPartnersHubFixture>
{
    [Fact]
    public async Task the_tax_information_and_the_steps_are_pushed_to_the_partners_once_each_through_their_clients()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        hub.Time.At("2026-02-12T10:00:00");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-PUSH-1")))).GetProperty("id").GetGuid();
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax"));

        // The first try at the tax authority is refused (503); the message waits 5 s and is sent again.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await hub.ScalarAsync<long>("select count(*) from dossiers.messages where dossier_id = $1 and status = 'pending'", id) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from dossiers.messages where dossier_id = $1 and status = 'pending'", id));

        var toTax = Assert.Single(hub.Received, r => r.Path == "/tax/dossiers/financial-obligations");
        Assert.Equal("financial-obligation-information", toTax.Body.GetProperty("kind").GetString());
        Assert.Equal("BN-PUSH-1", toTax.Body.GetProperty("payload").GetProperty("dossierNumber").GetString());
        Assert.Equal(toTax.Key, toTax.Body.GetProperty("key").GetString());
        Assert.Equal(2, hub.TaxTries);
        Assert.Equal(2, await hub.ScalarAsync<int>("select attempts from dossiers.messages where dossier_id = $1 and target = 'tax-authority'", id));

        var toShop = hub.Received.Where(r => r.Path == "/shop/dossiers/BN-PUSH-1/events").Select(r => r.Body.GetProperty("payload").GetProperty("state").GetString()).ToList();
        Assert.Equal(["in-processing", "waiting-for-financial-obligation"], toShop);
        // Pushed messages are no longer waiting to be fetched.
        var waiting = await DossiersHubFixture.JsonAsync(await shop.GetAsync("/api/v1/dossier-messages?target=one-stop-shop"));
        Assert.DoesNotContain(waiting.EnumerateArray(), m => m.GetProperty("dossierId").GetGuid() == id);
    }
}

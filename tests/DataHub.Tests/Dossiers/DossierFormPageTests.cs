using System.Net.Http.Json;
using DataHub.Tests.Collections.Html;

namespace DataHub.Tests.Dossiers;

/// <summary>The printable electronic form in headless Chromium: laid out from the schema, personal fields only for personal.read.</summary>
public sealed class DossierFormPageTests(DossiersHubFixture hub) : IClassFixture<DossiersHubFixture>, IAsyncLifetime
{
    private readonly Browser browser = new();
    private readonly Uri origin = hub.CreateClient().BaseAddress!;

    public Task InitializeAsync() => browser.InitializeAsync();

    public Task DisposeAsync() => browser.DisposeAsync();

    private async Task<Guid> DossierAsync(string number)
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier(number);
        body["form"]!["reason"] = """<script>document.title = "owned"</script><b id="injected">x</b>""";
        return (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body))).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task the_form_page_shows_each_field_under_its_schema_label_and_the_personal_fields_to_the_registration_officer()
    {
        var id = await DossierAsync("BN-PAGE-1");
        var watched = await browser.OpenAsync(hub.TokenOf("registrar"));
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, $"/api/v1/dossiers/{id}/form").ToString());
        await page.WaitForSelectorAsync("#form tbody tr");

        Assert.Contains("Đơn đăng ký biến động", await page.Locator("h1").TextContentAsync());
        Assert.Equal("BN-PAGE-1", await page.Locator("#dossier-number").TextContentAsync());
        Assert.Equal("03/03/2026", await page.Locator("#due-on").TextContentAsync());
        Assert.Equal("Chuyển nhượng", await page.Locator("tr[data-pointer='/changeKind'] td").TextContentAsync());
        Assert.Equal("Thửa đất số", await page.Locator("tr[data-pointer='/parcel/parcelNo'] th").TextContentAsync());
        Assert.Equal("1", await page.Locator("tr[data-pointer='/parcel/parcelNo'] td").TextContentAsync());
        Assert.Equal("Trần Thị Nhận", await page.Locator("tr[data-pointer='/transferee/fullName'] td").TextContentAsync());
        Assert.Equal("2026-02-10", await page.Locator("tr[data-pointer='/contract/signedOn'] td").TextContentAsync());
        // Markup in the form's data is text, not run.
        Assert.Equal(0, await page.Locator("#injected").CountAsync());
        Assert.NotEqual("owned", await page.TitleAsync());
        await watched.ScreenshotIfAskedAsync("dossier-form");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task the_one_stop_shop_sees_the_form_with_its_personal_fields_withheld()
    {
        var id = await DossierAsync("BN-PAGE-2");
        var watched = await browser.OpenAsync(hub.TokenOf("one-stop-shop"));
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, $"/api/v1/dossiers/{id}/form").ToString());
        await page.WaitForSelectorAsync("#form tbody tr");
        Assert.Contains("withheld", await page.Locator("tr[data-pointer='/transferee/fullName'] td").TextContentAsync());
        Assert.Contains("withheld", await page.Locator("tr[data-pointer='/transferee/idNumber'] td").TextContentAsync());
        Assert.Equal("CCCD", await page.Locator("tr[data-pointer='/transferee/idKind'] td").TextContentAsync());
        Assert.DoesNotContain("Trần Thị Nhận", await page.ContentAsync());
        watched.AssertCleanAndLocal(origin);
    }
}

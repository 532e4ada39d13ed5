using DataHub.Tests.Infrastructure;
namespace DataHub.Tests.Collections.Html;

public sealed class HtmlPagesInBrowserTests(HtmlHubFixture hub) : IClassFixture<HtmlHubFixture>, IAsyncLifetime
{
    private readonly Browser browser = new();
    private readonly Uri origin = hub.CreateClient().BaseAddress!;

    public Task InitializeAsync() => browser.InitializeAsync();

    public Task DisposeAsync() => browser.DisposeAsync();

    [Fact]
    public async Task parcels_page_draws_its_features_on_a_leaflet_map_and_lists_them_in_a_table()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        // No f: the browser's own Accept header asks for the page.
        await page.GotoAsync(new Uri(origin, "/api/v1/collections/parcels/items?limit=20").ToString());
        await page.WaitForSelectorAsync("#features tbody tr");

        Assert.Equal(20, await page.Locator("#map path.leaflet-interactive:not(.speck)").CountAsync());
        Assert.Equal(20, await page.Locator("#features tbody tr").CountAsync());
        Assert.Equal("Features 1–20 of 600", await page.Locator("#summary").TextContentAsync());
        Assert.Empty(await page.Locator(".leaflet-tile").AllAsync()); // no base map to fetch
        var next = await page.Locator("#next").GetAttributeAsync("href");
        Assert.Contains("offset=20", next);
        Assert.Contains("f=html", next);
        Assert.True(await page.Locator("#prev").IsHiddenAsync());

        // The planted markup is shown as text, not run as HTML.
        var address = page.Locator("#features tbody tr", new() { HasText = HtmlHubFixture.HostileAddress });
        Assert.Equal(1, await address.CountAsync());
        Assert.Equal(0, await page.Locator("#injected").CountAsync());

        await watched.ScreenshotIfAskedAsync("parcels-items");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task the_next_page_link_leads_to_the_following_features()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, "/api/v1/collections/parcels/items?f=html&limit=20").ToString());
        await page.WaitForSelectorAsync("#features tbody tr");
        var firstPage = await page.Locator("#features tbody tr td:first-child").AllTextContentsAsync();

        await page.Locator("#next").ClickAsync();
        await page.WaitForURLAsync("**offset=20**");
        await page.WaitForSelectorAsync("#features tbody tr");
        Assert.Equal("Features 21–40", await page.Locator("#summary").TextContentAsync()); // later pages are not counted
        Assert.Empty(firstPage.Intersect(await page.Locator("#features tbody tr td:first-child").AllTextContentsAsync()));
        Assert.True(await page.Locator("#prev").IsVisibleAsync());
        await watched.ScreenshotIfAskedAsync("parcels-items-2");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task a_feature_page_shows_the_feature_and_its_properties_and_a_popup_on_click()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, $"/api/v1/collections/parcels/items/{hub.HostileParcel}?f=html").ToString());
        await page.WaitForSelectorAsync("#map path.leaflet-interactive:not(.speck)");

        Assert.Equal(1, await page.Locator("#map path.leaflet-interactive:not(.speck)").CountAsync());
        Assert.Equal(HtmlHubFixture.HostileAddress, await page.Locator("#feature tr[data-name=address] td").TextContentAsync());
        Assert.NotEmpty((await page.Locator("#feature tr[data-name=parcel_no] td").TextContentAsync())!);

        await page.Locator("#map path.leaflet-interactive:not(.speck)").ClickAsync();
        var popup = page.Locator(".leaflet-popup-content");
        await popup.WaitForAsync();
        Assert.Contains("parcel_no", await popup.TextContentAsync());
        Assert.Equal(0, await page.Locator("#injected").CountAsync());
        await watched.ScreenshotIfAskedAsync("parcel");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task collection_pages_draw_extents_as_rectangles()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, "/api/v1/collections/parcels?f=html").ToString());
        await page.WaitForSelectorAsync("#map path.leaflet-interactive:not(.speck)");
        Assert.Equal(1, await page.Locator("#map path.leaflet-interactive:not(.speck)").CountAsync());
        await watched.ScreenshotIfAskedAsync("parcels-collection");

        await page.GotoAsync(new Uri(origin, "/api/v1/collections?f=html").ToString());
        await page.WaitForSelectorAsync("#map path.leaflet-interactive:not(.speck)");
        var spatial = await page.Locator("tr[data-bbox]").CountAsync();
        Assert.True(spatial >= 4, $"{spatial} collections with an extent");
        Assert.Equal(spatial, await page.Locator("#map path.leaflet-interactive:not(.speck)").CountAsync());
        await watched.ScreenshotIfAskedAsync("collections");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task a_collection_without_geometry_lists_its_features_without_a_map()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, "/api/v1/collections/land-statistics/items?f=html&limit=5").ToString());
        await page.WaitForSelectorAsync("#features tbody tr");
        Assert.Equal(0, await page.Locator("#map").CountAsync());
        Assert.InRange(await page.Locator("#features tbody tr").CountAsync(), 1, 5);
        await watched.ScreenshotIfAskedAsync("land-statistics-items");
        watched.AssertCleanAndLocal(origin);
    }
}

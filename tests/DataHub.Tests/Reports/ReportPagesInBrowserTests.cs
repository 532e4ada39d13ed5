using DataHub.Tests.Infrastructure;
using DataHub.Tests.Collections.Html;

namespace DataHub.Tests.Reports;

/// <summary>The report pages in headless Chromium: they render, their charts have data, the map draws the units, nothing fails.</summary>
public sealed class ReportPagesInBrowserTests(ReportsHubFixture hub) : IClassFixture<ReportsHubFixture>, IAsyncLifetime
{
    private readonly Browser browser = new();
    private readonly Uri origin = hub.CreateClient().BaseAddress!;

    public Task InitializeAsync() => browser.InitializeAsync();

    public Task DisposeAsync() => browser.DisposeAsync();

    private const string ChartData = """
        () => {
          const chart = Chart.getChart(document.getElementById('chart'));
          return chart ? chart.data.datasets.map(d => d.data.reduce((a, b) => a + b, 0)) : [];
        }
        """;

    [Theory]
    [InlineData("01-tkkk", "date=2024-12-31&units=old")]
    [InlineData("02-tkkk", "date=2024-12-31&units=new")]
    [InlineData("03-tkkk", "date=2024-12-31&units=old")]
    public async Task a_report_page_renders_its_table_and_a_chart_with_data(string form, string query)
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        // No f: the browser's Accept header asks for the page.
        await page.GotoAsync(new Uri(origin, $"/api/v1/reports/{form}?{query}").ToString());
        await page.WaitForFunctionAsync("() => window.Chart && Chart.getChart(document.getElementById('chart'))");

        var sums = await page.EvaluateAsync<double[]>(ChartData);
        Assert.NotEmpty(sums);
        Assert.All(sums, s => Assert.True(s > 0, $"a dataset of {form} sums to {s}"));
        Assert.True(await page.Locator("#report tbody tr").CountAsync() > 3);
        Assert.Contains(form.ToUpperInvariant()[..2], await page.Locator("h1").TextContentAsync());
        // The seeded 2024 inventory has nudged figures: some cells are marked.
        if (form != "02-tkkk")
        {
            Assert.True(await page.Locator("#report td.flagged").CountAsync() > 0);
        }
        await watched.ScreenshotIfAskedAsync($"report-{form}");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task the_report_by_unit_draws_each_unit_on_the_map()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, "/api/v1/reports/03-tkkk?f=html&date=2024-12-31&units=new").ToString());
        await page.WaitForSelectorAsync("#map[data-units]");
        Assert.Equal("25", await page.Locator("#map").GetAttributeAsync("data-units"));
        Assert.Equal(25, await page.Locator("#map path.leaflet-interactive").CountAsync());
        // The stacked chart has one bar per unit in each land group.
        var bars = await page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('chart')).data.labels.length");
        Assert.Equal(25, bars);
        await watched.ScreenshotIfAskedAsync("report-03-map");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task the_query_form_recomputes_the_report_for_another_date_and_units()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, "/api/v1/reports/03-tkkk?f=html&date=2024-12-31&units=new").ToString());
        await page.SelectOptionAsync("select[name=units]", "old");
        await page.ClickAsync("form.report-query button");
        await page.WaitForURLAsync("**units=old**");
        await page.WaitForSelectorAsync("#map[data-units]");
        Assert.Equal("100", await page.Locator("#map").GetAttributeAsync("data-units"));
        watched.AssertCleanAndLocal(origin);
    }
}

using DataHub.Tests.Collections.Html;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Reports;

/// <summary>The operational report pages in headless Chromium: they render their table, their chart has data, nothing fails or leaves the hub.</summary>
public sealed class OperationalReportPagesInBrowserTests(OperationalReportsHubFixture hub) : IClassFixture<OperationalReportsHubFixture>, IAsyncLifetime
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
    [InlineData("dossiers", "from=2025-01&to=2026-06&by=month", 18)]
    [InlineData("dossiers", "from=2025-01&to=2026-06&by=unit&units=old", 0)]
    [InlineData("sharing", "from=2025-01&to=2026-06&by=dataset", 2)]
    [InlineData("deliveries", "from=2025-05&to=2026-06&by=target", 2)]
    public async Task an_operational_report_page_renders_its_table_and_a_chart_with_data(string id, string query, int bars)
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, $"/api/v1/reports/{id}?{query}").ToString());
        await page.WaitForFunctionAsync("() => window.Chart && Chart.getChart(document.getElementById('chart'))");

        var sums = await page.EvaluateAsync<double[]>(ChartData);
        Assert.NotEmpty(sums);
        Assert.True(sums.Sum() > 0, $"the chart of {id} is empty");
        var labels = await page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('chart')).data.labels.length");
        Assert.Equal(await page.Locator("#report tbody tr.level2").CountAsync(), labels);
        if (bars > 0)
        {
            Assert.Equal(bars, labels);
        }
        Assert.True(await page.Locator("#report tbody tr[data-key=TOTAL]").CountAsync() == 1);
        await watched.ScreenshotIfAskedAsync($"report-{id}");
        watched.AssertCleanAndLocal(origin);
    }

    [Fact]
    public async Task the_query_form_recomputes_the_dossiers_by_another_line_and_old_units()
    {
        var watched = await browser.OpenAsync(TestPrincipals.OperatorToken);
        var page = watched.Page;
        await page.GotoAsync(new Uri(origin, "/api/v1/reports/dossiers?f=html&from=2025-01&to=2026-06&by=month").ToString());
        await page.SelectOptionAsync("select[name=by]", "office");
        await page.SelectOptionAsync("select[name=units]", "old");
        await page.ClickAsync("form.report-query button");
        await page.WaitForURLAsync("**by=office**");
        await page.WaitForFunctionAsync("() => window.Chart && Chart.getChart(document.getElementById('chart'))");
        Assert.Equal(3, await page.Locator("#report tbody tr.level2").CountAsync());
        Assert.Equal(1, await page.Locator("#report tbody tr[data-key=stnmt-bp]").CountAsync());
        watched.AssertCleanAndLocal(origin);
    }
}

using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

public sealed class HealthAndLandingTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Fact]
    public async Task live_answers_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task ready_answers_200_when_the_database_is_reachable()
    {
        var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task landing_page_links_the_api_description_and_docs()
    {
        var response = await client.GetAsync("/api/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var links = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("links")
            .EnumerateArray().ToDictionary(l => l.GetProperty("rel").GetString()!, l => l.GetProperty("href").GetString());
        Assert.EndsWith("/openapi/v1.json", links["service-desc"]);
        Assert.EndsWith("/docs", links["service-doc"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(links["service-desc"])).StatusCode);
    }

    [Fact]
    public async Task docs_page_is_served_and_points_at_the_v1_document()
    {
        var response = await client.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = await client.GetStringAsync("/docs/index.js");
        Assert.Contains("/openapi/v1.json", config);
    }
}

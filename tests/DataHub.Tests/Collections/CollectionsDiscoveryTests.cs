using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

public sealed class CollectionsDiscoveryTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Fact]
    public async Task landing_page_links_conformance_collections_and_the_api_description()
    {
        var landing = await Ogc.GetJsonAsync(client, "/api/v1");
        Assert.EndsWith("/api/v1/conformance", Ogc.Link(landing, "conformance"));
        Assert.EndsWith("/api/v1/collections", Ogc.Link(landing, "data"));
        Assert.EndsWith("/openapi/v1.json", Ogc.Link(landing, "service-desc"));
    }

    [Fact]
    public async Task conformance_declares_core_geojson_openapi_and_crs()
    {
        var conformance = await Ogc.GetJsonAsync(client, "/api/v1/conformance");
        var classes = conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", classes);
    }

    [Fact]
    public async Task collections_lists_the_default_shared_datasets_with_extents_and_links()
    {
        var collections = await Ogc.GetJsonAsync(client, "/api/v1/collections");
        var ids = collections.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Equal(["parcels", "planning-zones", "price-zones", "admin-units", "land-statistics"], ids);

        var parcels = collections.GetProperty("collections")[0];
        var bbox = parcels.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0];
        Assert.InRange(bbox[0].GetDouble(), 106.5, 107.0);
        Assert.InRange(bbox[1].GetDouble(), 11.2, 11.6);
        Assert.EndsWith("/collections/parcels/items", Ogc.Link(parcels, "items"));
        Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/9212", parcels.GetProperty("storageCrs").GetString());
        Assert.Contains("http://www.opengis.net/def/crs/OGC/1.3/CRS84", parcels.GetProperty("crs").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task one_collection_is_described_and_an_unknown_one_is_a_404_problem()
    {
        var zones = await Ogc.GetJsonAsync(client, "/api/v1/collections/planning-zones");
        Assert.Equal("planning-zones", zones.GetProperty("id").GetString());
        var problem = await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/owners"), HttpStatusCode.NotFound);
        Assert.Contains("owners", problem.GetProperty("detail").GetString());
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/owners/items"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task queryables_are_a_json_schema_of_the_public_properties()
    {
        var response = await client.GetAsync("/api/v1/collections/parcels/queryables");
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        var schema = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var properties = schema.GetProperty("properties");
        Assert.Equal("integer", properties.GetProperty("map_sheet").GetProperty("type").GetString());
        Assert.Equal("date", properties.GetProperty("registered_on").GetProperty("format").GetString());
        Assert.Equal("geometry-any", properties.GetProperty("geometry").GetProperty("format").GetString());
        Assert.False(properties.TryGetProperty("full_name", out _));
    }
}

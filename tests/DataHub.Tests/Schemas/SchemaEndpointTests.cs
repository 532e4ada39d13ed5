using System.Net;
using System.Text.Json;
using DataHub.Tests.Collections;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Schemas;

public sealed class SchemaEndpointTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Fact]
    public async Task the_list_names_every_dataset_and_version_with_a_link_that_serves_it()
    {
        var list = await Ogc.GetJsonAsync(client, "/api/v1/schemas");
        var schemas = list.GetProperty("schemas").EnumerateArray().ToList();
        Assert.Equal(ExchangeSchemas.Datasets.Order(StringComparer.Ordinal),
            schemas.Where(s => s.GetProperty("version").GetString() == "v1").Select(s => s.GetProperty("dataset").GetString()!).Order(StringComparer.Ordinal));
        foreach (var entry in schemas)
        {
            var href = entry.GetProperty("href").GetString()!;
            Assert.EndsWith($"/api/v1/schemas/{entry.GetProperty("dataset").GetString()}/{entry.GetProperty("version").GetString()}", href);
            var response = await client.GetAsync(new Uri(href).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
            var schema = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(entry.GetProperty("id").GetString(), schema.GetProperty("$id").GetString());
            Assert.Equal(entry.GetProperty("title").GetString(), schema.GetProperty("title").GetString());
        }
        var geometry = Assert.Single(list.GetProperty("shared").EnumerateArray());
        Assert.Equal("https://datahub.local/schemas/common/v1/geometry", geometry.GetProperty("id").GetString());
    }

    [Fact]
    public async Task a_served_schema_is_the_committed_file()
    {
        var served = await client.GetStringAsync("/api/v1/schemas/parcels/v1");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(ExchangeSchemas.Folder, "parcels", "v1.schema.json")), served);

        var geometry = await client.GetAsync("/api/v1/schemas/common/v1/geometry");
        Assert.Equal("application/schema+json", geometry.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(ExchangeSchemas.Folder, "common", "v1", "geometry.schema.json")),
            await geometry.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/schemas/owners/v1")]
    [InlineData("/api/v1/schemas/parcels/v9")]
    [InlineData("/api/v1/schemas/parcels/latest")]
    [InlineData("/api/v1/schemas/common/v1")]
    [InlineData("/api/v1/schemas/common/v1/topology")]
    [InlineData("/api/v1/schemas/common/v1/..%2F..%2Fparcels%2Fv1")]
    public async Task an_unknown_dataset_or_version_is_a_404_problem(string path)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync(path), HttpStatusCode.NotFound);
        Assert.Contains("/api/v1/schemas", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task the_catalogue_and_the_collection_link_each_dataset_to_its_exchange_structure()
    {
        var parcels = await Ogc.GetJsonAsync(client, "/api/v1/datasets/parcels");
        var structure = parcels.GetProperty("exchangeStructure").GetString()!;
        Assert.EndsWith("/api/v1/schemas/parcels/v1", structure);
        var response = await client.GetAsync(new Uri(structure).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(parcels.GetProperty("links").EnumerateArray(),
            l => l.GetProperty("rel").GetString() == "describedby" && l.GetProperty("href").GetString() == structure);

        var catalogue = await Ogc.GetJsonAsync(client, "/api/v1/datasets");
        foreach (var dataset in catalogue.GetProperty("datasets").EnumerateArray().Where(d => d.GetProperty("sharingMode").GetString() == "default"))
        {
            // Planning and price zones are linked to v2, the structure with their natural key (0090).
            var id = dataset.GetProperty("id").GetString();
            var version = id is "planning-zones" or "price-zones" ? "v2" : "v1";
            Assert.EndsWith($"/api/v1/schemas/{id}/{version}", dataset.GetProperty("exchangeStructure").GetString());
        }

        var collection = await Ogc.GetJsonAsync(client, "/api/v1/collections/price-zones");
        Assert.Contains(collection.GetProperty("links").EnumerateArray(),
            l => l.GetProperty("type").GetString() == "application/schema+json" && l.GetProperty("href").GetString()!.EndsWith("/api/v1/schemas/price-zones/v2", StringComparison.Ordinal));
    }
}

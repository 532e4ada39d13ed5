using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

public sealed class CatalogueTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Fact]
    public async Task the_catalogue_lists_every_dataset_with_its_sharing_mode_and_field_sensitivities()
    {
        var catalogue = await Ogc.GetJsonAsync(client, "/api/v1/datasets");
        var datasets = catalogue.GetProperty("datasets").EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
        Assert.Equal("default", datasets["parcels"].GetProperty("sharingMode").GetString());
        Assert.Equal("special-request", datasets["parcel-users"].GetProperty("sharingMode").GetString());

        var parcels = datasets["parcels"];
        Assert.Equal("Thửa đất", parcels.GetProperty("title").GetProperty("vi").GetString());
        Assert.Equal("Cadastral parcels", parcels.GetProperty("title").GetProperty("en").GetString());
        Assert.Equal("daily", parcels.GetProperty("updateFrequency").GetString());
        Assert.True(parcels.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].GetArrayLength() == 4);
        Assert.True(parcels.GetProperty("lastUpdated").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        Assert.All(parcels.GetProperty("fields").EnumerateArray(), f => Assert.Equal("public", f.GetProperty("sensitivity").GetString()));

        var users = datasets["parcel-users"];
        var sensitivities = users.GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("sensitivity").GetString());
        Assert.Equal("personal", sensitivities["full_name"]);
        Assert.Equal("personal", sensitivities["id_number"]);
        Assert.Equal(JsonValueKind.Null, users.TryGetProperty("extent", out var extent) ? extent.ValueKind : JsonValueKind.Null);
    }

    [Fact]
    public async Task special_request_datasets_are_not_collections()
    {
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/parcel-users/items"), HttpStatusCode.NotFound);
        var collections = await Ogc.GetJsonAsync(client, "/api/v1/collections");
        Assert.DoesNotContain("parcel-users", collections.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task the_catalogue_is_dcat_in_json_ld_for_harvesters()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/datasets");
        request.Headers.Accept.ParseAdd("application/ld+json");
        var response = await client.SendAsync(request);
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        var catalog = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("dcat:Catalog", catalog.GetProperty("@type").GetString());
        Assert.Equal("http://www.w3.org/ns/dcat#", catalog.GetProperty("@context").GetProperty("dcat").GetString());
        var parcels = catalog.GetProperty("dcat:dataset").EnumerateArray().Single(d => d.GetProperty("dct:identifier").GetString() == "parcels");
        Assert.Equal("dcat:Dataset", parcels.GetProperty("@type").GetString());
        Assert.Contains(parcels.GetProperty("dct:title").EnumerateArray(), t => t.GetProperty("@language").GetString() == "vi");
        Assert.Equal("http://purl.org/cld/freq/daily", parcels.GetProperty("dct:accrualPeriodicity").GetProperty("@id").GetString());
        Assert.StartsWith("POLYGON((", parcels.GetProperty("dct:spatial").GetProperty("dcat:bbox").GetProperty("@value").GetString());
        Assert.Contains(parcels.GetProperty("dcat:distribution").EnumerateArray(), d => d.GetProperty("dcat:mediaType").GetString() == "application/geo+json");

        var one = await Ogc.GetJsonAsync(client, "/api/v1/datasets/parcels?f=jsonld");
        Assert.Equal("dcat:Dataset", one.GetProperty("@type").GetString());
    }

    [Fact]
    public async Task an_unknown_dataset_is_a_404_and_an_unknown_format_a_400()
    {
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/datasets/owners"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/datasets?f=rdf"), HttpStatusCode.BadRequest);
    }
}

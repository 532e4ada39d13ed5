using DataHub.Tests.Dossiers;

namespace DataHub.Tests.Foundation;

public sealed class ListLimitDocsTests(DossiersHubFixture hub) : IClassFixture<DossiersHubFixture>
{
    /// <summary>
    /// Client generators size their pages from the description: a list that refuses more than
    /// 1,000 must not be described as taking 10,000 (they all shared the items' bounds once).
    /// </summary>
    [Fact]
    public async Task every_list_limit_is_described_with_the_default_and_maximum_the_list_keeps()
    {
        var operatorClient = hub.CreateClient();
        using var document = System.Text.Json.JsonDocument.Parse(await operatorClient.GetStringAsync("/openapi/v1.json"));
        // What each list needs besides limit to answer at all.
        var required = new Dictionary<string, string> { ["/api/v1/dossier-messages"] = "target=tax-authority&" };
        var checkedLists = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject().Where(p => !p.Name.Contains('{', StringComparison.Ordinal)))
        {
            if (!path.Value.TryGetProperty("get", out var get) || !get.TryGetProperty("parameters", out var parameters)
                || parameters.EnumerateArray().FirstOrDefault(p => p.GetProperty("name").GetString() == "limit") is not { ValueKind: System.Text.Json.JsonValueKind.Object } limit)
            {
                continue;
            }
            var schema = limit.GetProperty("schema");
            var maximum = schema.GetProperty("maximum").GetInt32();
            var prefix = $"{path.Name}?{required.GetValueOrDefault(path.Name, "")}";
            // Dossiers are read by their own roles (a registrar, the tax authority its messages); the operator reads the rest.
            var client = path.Name switch
            {
                "/api/v1/dossier-messages" => hub.As("tax"),
                "/api/v1/dossiers" => hub.As("registrar"),
                _ => operatorClient,
            };
            var most = await client.GetAsync($"{prefix}limit={maximum}");
            Assert.True(most.StatusCode == System.Net.HttpStatusCode.OK, $"{path.Name}: limit={maximum} answered {(int)most.StatusCode} {await most.Content.ReadAsStringAsync()}");
            var over = await client.GetAsync($"{prefix}limit={maximum + 1}");
            Assert.True(over.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{path.Name}: limit={maximum + 1} answered {(int)over.StatusCode}");
            var byDefault = schema.GetProperty("default").GetInt32();
            Assert.True(byDefault <= maximum, path.Name);
            checkedLists.Add(path.Name);
        }
        Assert.Equal(["/api/v1/audit", "/api/v1/data-requests", "/api/v1/deliveries/messages", "/api/v1/dossier-messages", "/api/v1/dossiers"], checkedLists.Order(StringComparer.Ordinal));
    }
}

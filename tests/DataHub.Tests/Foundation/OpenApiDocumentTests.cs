using DataHub.Api.Infrastructure.OpenApi;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

public sealed class OpenApiDocumentTests(HubFixture hub) : IClassFixture<HubFixture>
{
    [Fact]
    public async Task committed_openapi_yaml_matches_what_the_code_generates()
    {
        using var generated = new MemoryStream();
        await OpenApiSetup.WriteYamlAsync(hub.Services, generated, "v1", CancellationToken.None);
        var actual = System.Text.Encoding.UTF8.GetString(generated.ToArray());
        var path = Path.Combine(RepoPaths.Root, "openapi.yaml");
        var committed = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        Assert.True(committed == actual,
            "openapi.yaml differs from the code's API description. Regenerate it with: " +
            "dotnet run --project src/DataHub.Api -- openapi --output \"$PWD/openapi.yaml\"");
    }

    [Fact]
    public async Task served_yaml_is_the_same_document()
    {
        var client = hub.CreateClient();
        var served = await client.GetStringAsync("/openapi/v1.yaml");
        Assert.StartsWith("openapi: 3.0", served);
        Assert.Contains("/api/v1:", served);
    }

    [Fact]
    public async Task every_operation_documents_its_400()
    {
        var client = hub.CreateClient();
        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var missing = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == System.Text.Json.JsonValueKind.Object && o.Name != "parameters"))
            {
                // Any operation refuses a query parameter it does not take.
                if (!operation.Value.GetProperty("responses").TryGetProperty("400", out _))
                {
                    missing.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                }
            }
        }
        Assert.Empty(missing);
    }
}

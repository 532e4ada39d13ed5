using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Tests.Accounts;

/// <summary>
/// docs/security.md's role × endpoint table against the running hub: it lists every endpoint and
/// nothing else, and every cell holds when the endpoint is called as that role.
/// </summary>
public sealed partial class PermissionMatrixTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private sealed record Row(string Endpoint, Dictionary<string, bool> Allowed);

    private static List<Row> Matrix()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "security.md"));
        var table = text[(text.IndexOf("<!-- matrix:start -->", StringComparison.Ordinal) + 21)..text.IndexOf("<!-- matrix:end -->", StringComparison.Ordinal)];
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var roles = Cells(lines[0]).Skip(1).ToList();
        return lines.Skip(2).Select(line =>
        {
            var cells = Cells(line);
            return new Row(cells[0].Trim('`'), roles.Select((r, i) => (r, cells[i + 1] == "✓")).ToDictionary(x => x.r, x => x.Item2));
        }).ToList();
    }

    private static List<string> Cells(string line) => line.Trim('|').Split('|').Select(c => c.Trim()).ToList();

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Parameter();

    /// <summary>Each endpoint as the table writes it ("GET /api/v1/x/{id}") with its route template (constraints kept).</summary>
    private Dictionary<string, string> EndpointTemplates() => hub.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            .Select(m => (Key: $"{m} /{Parameter().Replace(e.RoutePattern.RawText!.Replace("v{version:apiVersion}", "v1", StringComparison.Ordinal), "{$1}").TrimStart('/')}",
                          Template: "/" + e.RoutePattern.RawText!.Replace("v{version:apiVersion}", "v1", StringComparison.Ordinal).TrimStart('/'))))
        .DistinctBy(x => x.Key).ToDictionary(x => x.Key, x => x.Template);

    private List<string> Endpoints() => EndpointTemplates().Keys.Order().ToList();

    [Fact]
    public void the_security_table_lists_every_endpoint_of_the_hub_and_nothing_else()
    {
        var documented = Matrix().Select(r => r.Endpoint).Order().ToList();
        var actual = Endpoints();
        Assert.True(actual.Except(documented).ToList() is { Count: 0 }, "not in docs/security.md: " + string.Join(", ", actual.Except(documented)));
        Assert.True(documented.Except(actual).ToList() is { Count: 0 }, "in docs/security.md but not in the hub: " + string.Join(", ", documented.Except(actual)));
    }

    [Fact]
    public async Task every_role_gets_exactly_what_the_security_table_says_on_every_endpoint()
    {
        var connection = hub.Database.ConnectionString;
        async Task<string> AccountAsync(string role, string[] roles, (string, string)[] datasetRoles, bool pending = false) =>
            TestPrincipals.Token($"account:{await TestPrincipals.CreateAccountAsync(connection, "m-" + role + Guid.NewGuid().ToString("N")[..4], role == "unit-head" ? "vpdk-dn" : "snnmt-dn", roles, datasetRoles, mustChangePassword: pending)}");
        var tokens = new Dictionary<string, string?>
        {
            ["anonymous"] = null,
            ["reader"] = await AccountAsync("reader", ["reader"], []),
            ["data-steward"] = await AccountAsync("data-steward", [], [("data-steward", "parcels")]),
            ["request-reviewer"] = await AccountAsync("request-reviewer", [], [("request-reviewer", "parcels")]),
            ["unit-head"] = await AccountAsync("unit-head", ["unit-head"], []),
            ["auditor"] = await AccountAsync("auditor", ["auditor"], []),
            ["department-admin"] = await AccountAsync("department-admin", ["department-admin"], []),
            ["password-change-pending"] = await AccountAsync("pending", ["department-admin", "reader"], [("data-steward", "parcels")], pending: true),
        };

        var wrong = new List<string>();
        var templates = EndpointTemplates();
        foreach (var row in Matrix())
        {
            var method = row.Endpoint.Split(' ')[0];
            // Values that satisfy the route's constraints, so the request reaches the endpoint.
            var path = Parameter().Replace(templates[row.Endpoint], m => m.Groups[2].Value is ":long" or ":int" ? "1" : m.Groups[1].Value switch
            {
                "collectionId" or "datasetId" or "dataset" => "parcels",
                "featureId" => "1",
                "schemaVersion" => "v1",
                "code" => "snnmt-dn",
                "clientId" => "nobody",
                "name" => "geometry",
                _ => Guid.NewGuid().ToString(),
            });
            foreach (var (role, allowed) in row.Allowed)
            {
                using var client = tokens[role] is { } token ? hub.CreateClientWithToken(token) : hub.CreateAnonymousClient();
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = path.EndsWith("/auth/token", StringComparison.Ordinal)
                        ? new FormUrlEncodedContent([])
                        : new StringContent("{}", Encoding.UTF8, "application/json");
                }
                var status = (await client.SendAsync(request)).StatusCode;
                var denied = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                var expectedDenial = role == "anonymous" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                if (allowed ? denied : status != expectedDenial)
                {
                    wrong.Add($"{row.Endpoint} as {role}: {(int)status}, table says {(allowed ? "allowed" : "denied")}");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task every_answer_carries_the_security_headers()
    {
        using var client = hub.CreateAnonymousClient();
        foreach (var path in new[] { "/api/v1", "/api/v1/collections", "/nothing-here" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task unknown_paths_still_answer_404_and_wrong_methods_405_without_a_token()
    {
        using var client = hub.CreateAnonymousClient();
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await client.DeleteAsync("/api/v1/conformance"), HttpStatusCode.MethodNotAllowed);
    }
}

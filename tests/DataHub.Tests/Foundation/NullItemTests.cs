using System.Net;
using System.Text;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

/// <summary>
/// A JSON null where a list expects an item (a role, a code) is a 400 at the item's index with
/// nothing written. It reached the code that reads the items and answered 500.
/// </summary>
public sealed class NullItemTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private const string Refusal = "of the list is null; give a value or leave the item out.";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task a_null_role_in_a_new_account_is_a_400_at_its_index_and_no_account_is_made()
    {
        var client = hub.CreateClient();
        var response = await client.PostAsync("/api/v1/accounts", Json("""
            {"username": "null-role", "displayName": "Nguyễn Văn Thử", "unitCode": "snnmt-dn", "position": "chuyên viên", "roles": [{"role": "reader"}, null]}
            """));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal($"Item 1 {Refusal}", problem.GetProperty("errors").GetProperty("roles[1]")[0].GetString());
        Assert.DoesNotContain("null-role", await client.GetStringAsync("/api/v1/accounts"));
    }

    [Fact]
    public async Task a_null_in_a_clients_new_roles_is_a_400_at_its_index_and_the_roles_stay()
    {
        var client = hub.CreateClient();
        var created = await client.PostAsync("/api/v1/clients", Json("""{"clientId": "null-roles", "name": "IOC", "unitCode": "ioc-dn", "roles": [{"role": "reader"}]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var response = await client.PutAsync("/api/v1/clients/null-roles/roles", Json("""[null, {"role": "auditor"}]"""));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal($"Item 0 {Refusal}", problem.GetProperty("errors").GetProperty("[0]")[0].GetString());
        var roles = JsonDocument.Parse(await client.GetStringAsync("/api/v1/clients")).RootElement.EnumerateArray()
            .Single(c => c.GetProperty("clientId").GetString() == "null-roles").GetProperty("roles");
        Assert.Equal("reader", Assert.Single(roles.EnumerateArray()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task a_json_error_in_the_body_is_reported_alone_at_its_path_in_plain_words()
    {
        var client = hub.CreateClient();
        var response = await client.PostAsync("/api/v1/accounts", Json("""{"username": "wrong-type", "roles": [{"role": 5}]}"""));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal("$.roles[0].role", error.Name);
        // In the API's words, not .NET's (which named the record type RoleGrant and repeated the path).
        Assert.Equal("The value is not of the type this field takes (the API description gives each field's type). Reading stopped at line 1, byte 47.", error.Value[0].GetString());
    }
}

using System.Net;
using System.Text;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

/// <summary>
/// PostgreSQL text cannot hold U+0000, and half a UTF-16 surrogate pair is not text: either in a
/// request is a 400 saying where, never a 500.
/// </summary>
public sealed class RefusedCharacterTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private const string Refusal = "contains a NUL character (U+0000), which the hub does not accept";

    [Theory]
    [InlineData("/api/v1/audit?actor=a%00b", "actor")]
    [InlineData("/api/v1/data-requests?state=%00", "state")]
    [InlineData("/api/v1/deliveries/messages?key=x%00", "key")]
    [InlineData("/api/v1/accounts?unit=%00", "unit")]
    public async Task a_nul_in_a_query_parameter_is_a_400_naming_the_parameter(string url, string parameter)
    {
        var client = hub.CreateClient();
        var problem = await Problems.AssertProblemAsync(await client.GetAsync(url), HttpStatusCode.BadRequest);
        Assert.Equal($"The query parameter '{parameter}' {Refusal}.", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task a_nul_in_a_form_field_is_a_400_naming_the_field()
    {
        using var anonymous = hub.CreateAnonymousClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "ioc\0", ["client_secret"] = "x" });
        var problem = await Problems.AssertProblemAsync(await anonymous.PostAsync("/api/v1/auth/token", form), HttpStatusCode.BadRequest);
        Assert.Equal($"The form field 'client_id' {Refusal}.", problem.GetProperty("detail").GetString());
    }

    /// <summary>Half a pair used to be reported as a value of the wrong type: System.Text.Json cannot make a string of it.</summary>
    [Theory]
    [InlineData("I\\u0000OC", "The value contains a NUL character (U+0000)")]
    [InlineData("I\\ud800OC", "The value holds half of a UTF-16 surrogate pair")]
    public async Task a_nul_or_half_a_surrogate_pair_in_a_string_field_is_a_400_at_its_path_and_nothing_is_written(string name, string refusal)
    {
        var client = hub.CreateClient();
        var body = """{"clientId":"refused-client","name":"NAME","unitCode":"ioc-dn","roles":[{"role":"reader"}]}""".Replace("NAME", name, StringComparison.Ordinal);
        var response = await client.PostAsync("/api/v1/clients", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith(refusal, problem.GetProperty("errors").GetProperty("$.name")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/clients/refused-client")).StatusCode);
    }

    [Theory]
    [InlineData("Po\\ud800", "The value holds half of a UTF-16 surrogate pair")]
    [InlineData("Po\\u0000", "The value contains a NUL character (U+0000)")]
    public async Task a_nul_or_half_a_surrogate_pair_in_a_json_element_kept_whole_is_a_400_at_its_path_saying_where_inside(string type, string refusal)
    {
        var client = hub.CreateClient();
        var body = """{"dataset": "admin-units", "format": "csv", "area": {"geometry": {"type": "TYPE", "coordinates": []}}}""".Replace("TYPE", type, StringComparison.Ordinal);
        var response = await client.PostAsync("/api/v1/extractions", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("$.area")[0].GetString();
        Assert.StartsWith($"At /geometry/type: {refusal}", message, StringComparison.Ordinal);
        Assert.Equal("[]", await client.GetStringAsync("/api/v1/extractions"));
    }
}

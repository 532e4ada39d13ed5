using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

/// <summary>
/// A query parameter an operation does not take is named in a 400 (KnownQueryParameters): a
/// misspelt one used to be ignored, and the answer read as if it had been applied.
/// </summary>
public sealed class KnownQueryParametersTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Theory]
    [InlineData("/api/v1/data-requests?stat=granted", "stat", "Unknown parameter 'stat'. Parameters: limit, state.")]
    [InlineData("/api/v1/data-requests/overdue?foo=1", "foo", "Unknown parameter 'foo'. Parameters: asOf.")]
    [InlineData("/api/v1/units?dat=2025-07-01", "dat", "Unknown parameter 'dat'. Parameters: all, date.")]
    [InlineData("/api/v1/units/snnmt-dn?expand=all", "expand", "Unknown parameter 'expand': this operation takes no query parameters.")]
    [InlineData("/api/v1/roles?all=1", "all", "Unknown parameter 'all': this operation takes no query parameters.")]
    public async Task an_unknown_query_parameter_is_a_400_naming_it_and_the_ones_the_operation_takes(string url, string parameter, string message)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync(url), HttpStatusCode.BadRequest);
        Assert.Equal([message], problem.GetProperty("errors").GetProperty(parameter).EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task an_unknown_parameter_is_listed_beside_a_value_that_did_not_bind()
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/audit?before=x&actr=admin"), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["actr", "before"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("Unknown parameter 'actr'. Parameters: action, actor, before, limit, target.", errors.GetProperty("actr")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task known_parameters_and_the_format_are_taken_as_before()
    {
        foreach (var url in new[] { "/api/v1/data-requests?state=submitted&limit=5", "/api/v1/collections?f=json", "/api/v1/units?date=2025-07-01&all=true" })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}

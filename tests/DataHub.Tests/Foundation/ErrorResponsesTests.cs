using System.Net;
using System.Net.Http.Json;
using System.Text;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

public sealed class ErrorResponsesTests(ProbeHubFixture hub) : IClassFixture<ProbeHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Fact]
    public async Task unknown_route_is_a_404_problem_with_a_trace_id()
    {
        var response = await client.GetAsync("/api/v1/does-not-exist");
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("/api/v1/does-not-exist", problem.GetProperty("instance").GetString());
    }

    /// <summary>No writer took a client that accepts neither JSON nor anything: a 500 with an empty body.</summary>
    [Theory]
    [InlineData("/nope", "text/html", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/nope", "application/xml", HttpStatusCode.NotFound)]
    [InlineData("/api/v2/collections", "text/html", HttpStatusCode.BadRequest)]
    public async Task a_problem_is_json_whatever_the_client_accepts(string path, string accept, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var problem = await Problems.AssertProblemAsync(await client.SendAsync(request), status);
        Assert.Equal(path, problem.GetProperty("instance").GetString());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task unknown_route_outside_the_api_is_a_404_problem_too()
    {
        await Problems.AssertProblemAsync(await client.GetAsync("/nothing/here"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task wrong_method_is_a_405_problem_naming_the_method()
    {
        var response = await client.DeleteAsync("/api/v1");
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("DELETE", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task unsupported_api_version_is_a_400_problem_listing_the_supported_ones()
    {
        var response = await client.GetAsync("/api/v7");
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("UnsupportedApiVersion", problem.GetProperty("code").GetString());
        Assert.Contains("v1", problem.GetProperty("detail").GetString());
        Assert.Equal("1.0", response.Headers.GetValues("api-supported-versions").Single());
    }

    [Fact]
    public async Task malformed_json_is_a_400_problem_pointing_at_the_body()
    {
        using var content = new StringContent("{\"name\": ", Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/v1/test-probe/echo", content);
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        // Only the JSON error, at its path: not also "The body field is required." for the body it left empty.
        Assert.All(errors.EnumerateObject(), e => Assert.StartsWith("$", e.Name));
        Assert.NotEmpty(errors.EnumerateObject());
    }

    [Fact]
    public async Task a_property_given_twice_is_a_400_at_the_second_not_the_last_one_winning()
    {
        using var content = new StringContent("""{"name": "a", "count": 1, "name": "b"}""", Encoding.UTF8, "application/json");
        var problem = await Problems.AssertProblemAsync(await client.PostAsync("/api/v1/test-probe/echo", content), HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Contains("name", error.Name, StringComparison.Ordinal);
        // In the API's words: System.Text.Json's own names the .NET type the body was read into.
        Assert.Equal("The property 'name' is given twice; give it once.", error.Value[0].GetString());
    }

    [Fact]
    public async Task invalid_field_is_a_400_problem_naming_the_field()
    {
        var response = await client.PostAsJsonAsync("/api/v1/test-probe/echo", new { name = "much too long a name", count = 1 });
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out var name), problem.ToString());
        // The detail says it too, as the hub's own 400s do, for clients that show the detail alone.
        Assert.Equal($"name: {name[0].GetString()}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task invalid_query_value_is_a_400_problem_naming_the_parameter()
    {
        var response = await client.GetAsync("/api/v1/test-probe/numbers/3?times=abc");
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("times", out _), problem.ToString());
    }

    [Fact]
    public async Task body_over_the_limit_is_a_413_problem()
    {
        using var content = new StringContent($"{{\"name\":\"{new string('x', 4000)}\"}}", Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/v1/test-probe/echo", content);
        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task unsupported_media_type_is_a_415_problem()
    {
        using var content = new StringContent("name=x", Encoding.UTF8, "text/plain");
        var response = await client.PostAsync("/api/v1/test-probe/echo", content);
        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task unhandled_exception_is_a_500_problem_that_hides_the_internals()
    {
        var response = await client.GetAsync("/api/v1/test-probe/boom");
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("secret internal detail", problem.ToString());
    }

    [Fact]
    public async Task valid_request_passes_through_the_same_pipeline()
    {
        var response = await client.PostAsJsonAsync("/api/v1/test-probe/echo", new { name = "ok", count = 2 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0", response.Headers.GetValues("api-supported-versions").Single());
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DataHub.Tests.Submissions;

/// <summary>Sending a submission and reading its answer, as a department's software would.</summary>
public static class SubmitRequests
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string body, string? key = null,
        string contentType = "application/geo+json", bool respondAsync = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        if (respondAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Sends the body with Prefer: respond-async, checks that it was stored (202), and waits until
    /// its status URL says it has ended: the status URL, and the submission as it ended.
    /// </summary>
    public static async Task<(Uri Status, JsonElement End)> StoredAsync(HttpClient client, string url, string body)
    {
        var response = await PostAsync(client, url, body, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = response.Headers.Location!;
        return (status, await AsyncSubmissionTests.WaitForEndAsync(client, status));
    }

    /// <summary>The answer's JSON, after checking its status (the body is in the failure message).</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}

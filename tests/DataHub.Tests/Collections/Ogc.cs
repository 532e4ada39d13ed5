using System.Net;
using System.Text.Json;

namespace DataHub.Tests.Collections;

/// <summary>Small readers for OGC API answers.</summary>
public static class Ogc
{
    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{url}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static string? Link(JsonElement document, string rel) =>
        document.GetProperty("links").EnumerateArray()
            .Where(l => l.GetProperty("rel").GetString() == rel)
            .Select(l => l.GetProperty("href").GetString())
            .FirstOrDefault();

    public static List<JsonElement> Features(JsonElement collection) => [.. collection.GetProperty("features").EnumerateArray()];

    public static List<long> Ids(JsonElement collection) => Features(collection).Select(f => f.GetProperty("id").GetInt64()).ToList();

    /// <summary>Every coordinate pair of a GeoJSON geometry.</summary>
    public static IEnumerable<(double X, double Y)> Positions(JsonElement geometry)
    {
        static IEnumerable<(double, double)> Walk(JsonElement e) =>
            e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 2 && e[0].ValueKind == JsonValueKind.Number
                ? [(e[0].GetDouble(), e[1].GetDouble())]
                : e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Walk) : [];
        return Walk(geometry.GetProperty("coordinates"));
    }
}

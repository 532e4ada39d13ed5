using Microsoft.AspNetCore.WebUtilities;

namespace DataHub.Api.Collections;

public sealed record OgcLink(string Href, string Rel, string Type, string? Title = null);

/// <summary>Absolute links (OGC API clients follow them as given) built from the request.</summary>
public static class OgcLinks
{
    public const string GeoJson = "application/geo+json";
    public const string Json = "application/json";
    public const string Html = "text/html";
    public const string Csv = "text/csv";

    public static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>The current URL with some query parameters replaced (null removes one).</summary>
    public static string WithQuery(HttpRequest request, IReadOnlyDictionary<string, string?> changes)
    {
        var query = request.Query
            .Where(p => !changes.ContainsKey(p.Key))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Concat(changes.Where(c => c.Value is not null))
            .OrderBy(p => p.Key, StringComparer.Ordinal);
        return QueryHelpers.AddQueryString(Base(request) + request.Path, query);
    }
}

using Microsoft.Net.Http.Headers;

namespace DataHub.Api.Infrastructure.Html;

/// <summary>When an endpoint with a JSON document answers with its HTML page instead.</summary>
public static class HtmlNegotiation
{
    private static readonly string[] JsonTypes = ["application/json", "application/geo+json"];

    /// <summary>
    /// f=html asks for the page, any other f for that format. Without f, the Accept header
    /// decides: a browser names text/html and leaves JSON to */* at a lower quality; API clients
    /// name JSON, or nothing, and keep getting JSON.
    /// </summary>
    public static bool WantsHtml(this HttpRequest request)
    {
        if (request.Query.TryGetValue("f", out var f))
        {
            return string.Equals(f[0], "html", StringComparison.OrdinalIgnoreCase);
        }
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }
        double html = 0, json = 0;
        foreach (var type in accepted)
        {
            var quality = type.Quality ?? 1;
            var name = type.MediaType.Value ?? "";
            if (name.Equals("text/html", StringComparison.OrdinalIgnoreCase) || name.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (name is "*/*" or "application/*" || JsonTypes.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }
        return html > 0 && html > json;
    }
}

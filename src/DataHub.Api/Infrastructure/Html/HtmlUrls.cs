using DataHub.Api.Collections;

namespace DataHub.Api.Infrastructure.Html;

/// <summary>Links between the pages; they name f=html so that they lead to pages whatever the Accept header.</summary>
public static class HtmlUrls
{
    public static string Landing(HttpRequest request) => $"{request.PathBase}/api/v1?f=html";

    public static string Collections(HttpRequest request) => $"{request.PathBase}/api/v1/collections?f=html";

    /// <summary>The collection's path, without a query: callers append /items or ?f=html.</summary>
    public static string Collection(HttpRequest request, string id) => $"{request.PathBase}/api/v1/collections/{Uri.EscapeDataString(id)}";

    /// <summary>The current resource as JSON.</summary>
    public static string Json(HttpRequest request) => OgcLinks.WithQuery(request, new Dictionary<string, string?> { ["f"] = "json" });

    /// <summary>A JSON link of the API turned into the link of its page.</summary>
    public static string Html(string href) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(href.Split('?')[0], "f", "html");
}

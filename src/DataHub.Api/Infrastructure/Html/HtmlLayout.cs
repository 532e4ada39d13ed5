namespace DataHub.Api.Infrastructure.Html;

/// <summary>One step of the breadcrumb; the last (the page itself) has no link.</summary>
public sealed record Crumb(string Label, string? Href = null);

/// <summary>The frame shared by every page: head, breadcrumb, links to the JSON and the API docs.</summary>
public static class HtmlLayout
{
    /// <param name="request">The page's request (for the path base of the hub's own files).</param>
    /// <param name="title">The page's title (English; Vietnamese, where there is one, is in the body).</param>
    /// <param name="crumbs">From the landing page down to this page.</param>
    /// <param name="jsonHref">The same resource as JSON.</param>
    /// <param name="body">The page's main content.</param>
    /// <param name="script">The page's script under wwwroot/js, if it has a map.</param>
    /// <param name="charts">Whether the page draws charts: the vendored Chart.js is loaded before the page's script.</param>
    public static HtmlResult Page(HttpRequest request, string title, IReadOnlyList<Crumb> crumbs, string jsonHref, RawHtml body, string? script = null, bool charts = false)
    {
        var root = request.PathBase.Value ?? "";
        var html = new HtmlBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · DataHub</title>
            <link rel="alternate" type="application/json" href="{jsonHref}">
            <link rel="icon" type="image/svg+xml" href="{root}/favicon.svg">


            """);
        if (script is not null)
        {
            html.Append($"""
                <link rel="stylesheet" href="{root}/lib/leaflet/leaflet.css">
                <script src="{root}/lib/leaflet/leaflet.js" defer></script>

                """);
            if (charts)
            {
                html.Append($"""
                    <script src="{root}/lib/chartjs/chart.umd.min.js" defer></script>

                    """);
            }
            html.Append($"""
                <script src="{root}/js/{script}" defer></script>

                """);
        }
        // After Leaflet's stylesheet, so that the hub's rules for the map win.
        html.Append($"""
            <link rel="stylesheet" href="{root}/css/hub.css">
            </head>
            <body>
            <header class="top">
            <a class="brand" href="{root}/api/v1?f=html">DataHub</a>
            <nav class="formats"><a href="{jsonHref}" type="application/json">JSON</a> <a href="{root}/docs">API docs</a></nav>
            </header>
            <nav class="crumbs" aria-label="Breadcrumb"><ol>
            """);
        foreach (var crumb in crumbs)
        {
            if (crumb.Href is null)
            {
                html.Append($"""<li aria-current="page">{crumb.Label}</li>""");
            }
            else
            {
                html.Append($"""<li><a href="{crumb.Href}">{crumb.Label}</a></li>""");
            }
        }
        html.Append($"""
            </ol></nav>
            <main>
            {body}
            </main>
            </body>
            </html>

            """);
        return new HtmlResult(html.ToHtml());
    }
}

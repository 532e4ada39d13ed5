using System.Globalization;
using DataHub.Api.Collections;
using DataHub.Api.Landing;

namespace DataHub.Api.Infrastructure.Html;

/// <summary>
/// The HTML renderings of the OGC API - Features resources (the "HTML" conformance class), built
/// from the same documents as the JSON answers. Pages with features carry only their frame: the
/// page's script fetches the JSON of the same URL, so features leave the database by one path.
/// </summary>
public static class HtmlPages
{
    public static HtmlResult Landing(HttpRequest request, LandingPage landing)
    {
        var html = new HtmlBuilder();
        html.Append($"""
            <h1>{landing.Title}</h1>
            <p>{landing.Description}</p>
            <ul class="links">
            """);
        foreach (var link in landing.Links.Where(l => l.Rel is not ("self" or "alternate")))
        {
            // The collections have a page of their own; the other resources are documents.
            var href = link.Rel == "data" ? HtmlUrls.Html(link.Href) : link.Href;
            html.Append($"""<li><a href="{href}">{link.Title}</a> <span class="type">{link.Rel}</span></li>""");
        }
        html.Append($"</ul>");
        return HtmlLayout.Page(request, landing.Title, [new("DataHub")], HtmlUrls.Json(request), html.ToHtml());
    }

    public static HtmlResult Collections(HttpRequest request, CollectionsDocument document)
    {
        var html = new HtmlBuilder();
        html.Append($"""
            <h1>Collections <span class="vi" lang="vi">Bộ dữ liệu</span></h1>
            <p>The datasets shared by default. Rectangles on the map are their extents.</p>
            <div id="map" class="map" role="img" aria-label="Extents of the collections"></div>
            <table class="list"><thead><tr><th scope="col">Collection</th><th scope="col">Description</th><th scope="col">Features</th></tr></thead><tbody>
            """);
        foreach (var c in document.Collections)
        {
            var page = HtmlUrls.Collection(request, c.Id);
            html.Append($"""
                <tr{BboxAttributes(c, page + "?f=html")}>
                <td><a href="{page}?f=html">{c.Title}</a><br><span class="vi" lang="vi">{c.TitleVi}</span></td>
                <td>{c.Description}</td>
                <td><a href="{page}/items?f=html">Browse</a> · <a href="{page}/items?f=json">GeoJSON</a> · <a href="{page}/items?f=csv">CSV</a></td>
                </tr>
                """);
        }
        html.Append($"</tbody></table>");
        return HtmlLayout.Page(request, "Collections", [new("DataHub", HtmlUrls.Landing(request)), new("Collections")],
            HtmlUrls.Json(request), html.ToHtml(), "extents.js");
    }

    public static HtmlResult Collection(HttpRequest request, CollectionDocument c)
    {
        var page = HtmlUrls.Collection(request, c.Id);
        var html = new HtmlBuilder();
        html.Append($"""
            <h1>{c.Title}</h1>
            <p class="vi" lang="vi">{c.TitleVi}</p>
            <p>{c.Description}</p>
            <p class="vi" lang="vi">{c.DescriptionVi}</p>
            <p class="actions"><a class="button" href="{page}/items?f=html">Browse the features</a></p>
            """);
        var box = FirstBox(c);
        if (box is not null)
        {
            html.Append($"""<div id="map" class="map" role="img" aria-label="Extent of the collection"{BboxAttributes(c, null)}></div>""");
        }
        html.Append($"""
            <dl class="facts">
            <dt>Identifier</dt><dd><code>{c.Id}</code></dd>
            <dt>Keywords</dt><dd>{string.Join(", ", c.Keywords)}</dd>
            """);
        if (box is not null)
        {
            html.Append($"<dt>Extent (longitude, latitude)</dt><dd>{Bbox(box)}</dd>");
        }
        if (c.Extent?.Temporal?.Interval is [var interval, ..])
        {
            html.Append($"<dt>Time</dt><dd>{interval[0] ?? ".."} – {interval[1] ?? ".."}</dd>");
        }
        if (c.StorageCrs is not null)
        {
            html.Append($"<dt>Storage CRS</dt><dd><code>{c.StorageCrs}</code></dd>");
        }
        html.Append($"</dl><h2>Links</h2><ul class=\"links\">");
        foreach (var link in c.Links.Where(l => l.Rel is not ("self" or "alternate")))
        {
            html.Append($"""<li><a href="{link.Href}" type="{link.Type}">{link.Title ?? link.Rel}</a> <span class="type">{link.Type}</span></li>""");
        }
        html.Append($"</ul>");
        return HtmlLayout.Page(request, c.Title, [new("DataHub", HtmlUrls.Landing(request)), new("Collections", HtmlUrls.Collections(request)), new(c.Title)],
            HtmlUrls.Json(request), html.ToHtml(), box is null ? null : "extents.js");
    }

    /// <summary>A page of features: map, table and paging, filled by items.js from this URL's JSON.</summary>
    public static HtmlResult Items(HttpRequest request, Dataset dataset, IReadOnlyList<DatasetField> visible)
    {
        var html = new HtmlBuilder();
        html.Append($"""
            <h1>{dataset.TitleEn}</h1>
            <p class="vi" lang="vi">{dataset.TitleVi}</p>
            <p id="summary" class="summary" aria-live="polite">Loading the features…</p>
            """);
        if (dataset.IsSpatial)
        {
            html.Append($"""<div id="map" class="map" role="img" aria-label="The features of this page"></div>""");
        }
        html.Append($"""
            <nav class="pager" aria-label="Pages"><a id="prev" rel="prev" hidden>← Previous page</a> <a id="next" rel="next" hidden>Next page →</a></nav>
            <div class="scroll"><table id="features" class="list"><thead><tr><th scope="col" data-name="id">id</th>
            """);
        foreach (var field in visible.Where(f => !f.IsGeometry))
        {
            html.Append($"""<th scope="col" data-name="{field.Name}" title="{field.Name}">{field.TitleEn}<br><span class="vi" lang="vi">{field.TitleVi}</span></th>""");
        }
        html.Append($"</tr></thead><tbody></tbody></table></div>");
        return HtmlLayout.Page(request, dataset.TitleEn, ItemsCrumbs(request, dataset, null), HtmlUrls.Json(request), html.ToHtml(), "items.js");
    }

    /// <summary>One feature: map and properties, filled by items.js from this URL's JSON.</summary>
    public static HtmlResult Item(HttpRequest request, Dataset dataset, IReadOnlyList<DatasetField> visible, string featureId)
    {
        var html = new HtmlBuilder();
        html.Append($"""
            <h1>{dataset.TitleEn} {featureId}</h1>
            <p class="vi" lang="vi">{dataset.TitleVi} {featureId}</p>
            <p id="summary" class="summary" aria-live="polite">Loading the feature…</p>
            """);
        if (dataset.IsSpatial)
        {
            html.Append($"""<div id="map" class="map" role="img" aria-label="The feature"></div>""");
        }
        html.Append($"""<table id="feature" class="properties"><tbody>""");
        foreach (var field in visible.Where(f => !f.IsGeometry))
        {
            html.Append($"""<tr data-name="{field.Name}"><th scope="row" title="{field.Name}">{field.TitleEn}<br><span class="vi" lang="vi">{field.TitleVi}</span></th><td></td></tr>""");
        }
        html.Append($"</tbody></table>");
        return HtmlLayout.Page(request, $"{dataset.TitleEn} {featureId}", ItemsCrumbs(request, dataset, featureId), HtmlUrls.Json(request), html.ToHtml(), "items.js");
    }

    private static List<Crumb> ItemsCrumbs(HttpRequest request, Dataset dataset, string? featureId)
    {
        var collection = HtmlUrls.Collection(request, dataset.Id);
        List<Crumb> crumbs = [new("DataHub", HtmlUrls.Landing(request)), new("Collections", HtmlUrls.Collections(request)), new(dataset.TitleEn, collection)];
        crumbs.Add(featureId is null ? new("Features") : new("Features", $"{collection}/items?f=html"));
        if (featureId is not null)
        {
            crumbs.Add(new(featureId));
        }
        return crumbs;
    }

    // extents.js draws a rectangle for each element carrying data-bbox.
    private static RawHtml BboxAttributes(CollectionDocument c, string? href)
    {
        if (FirstBox(c) is not { } box)
        {
            return new("");
        }
        var html = new HtmlBuilder();
        html.Append($""" data-bbox="{string.Join(",", box.Select(v => v.ToString(CultureInfo.InvariantCulture)))}" data-title="{c.Title}" """);
        if (href is not null)
        {
            html.Append($"""data-href="{href}" """);
        }
        return html.ToHtml();
    }

    private static double[]? FirstBox(CollectionDocument c) => c.Extent?.Spatial?.Bbox is [var box, ..] ? box : null;

    private static string Bbox(double[] box) =>
        string.Join(", ", box.Select(v => v.ToString("0.######", CultureInfo.InvariantCulture)));
}

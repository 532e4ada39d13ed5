using System.Net;
using System.Text.RegularExpressions;

namespace DataHub.Tests.Collections.Html;

public sealed partial class HtmlRepresentationTests(HtmlHubFixture hub) : IClassFixture<HtmlHubFixture>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
    private readonly HttpClient client = hub.CreateClient();

    public static TheoryData<string> Pages() =>
    [
        "/api/v1",
        "/api/v1/collections",
        "/api/v1/collections/parcels",
        "/api/v1/collections/land-statistics",
        "/api/v1/collections/parcels/items",
        "/api/v1/collections/admin-units/items?limit=3",
        "/api/v1/collections/parcels/items/1",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task f_html_answers_an_html_page_under_a_strict_content_security_policy(string path)
    {
        var response = await client.GetAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "f=html");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.StartsWith("<!DOCTYPE html>", body);

        // What the policy would block anyway, kept out of the markup so that nothing breaks under it.
        Assert.DoesNotMatch(InlineScript(), body);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", body);
        Assert.DoesNotContain(" style=", body);
        // Every URL in the page leads back to the hub.
        var origin = client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        Assert.All(UrlAttributes().Matches(body).Select(m => m.Groups["url"].Value),
            url => Assert.True(url.StartsWith('/') || url.StartsWith(origin, StringComparison.Ordinal), $"{path} refers to {url}"));
        Assert.Contains("/docs", body);
        Assert.Contains("f=json", body);
    }

    [Fact]
    public async Task a_browser_gets_html_while_api_clients_keep_getting_json()
    {
        Assert.Equal("text/html", await MediaTypeAsync("/api/v1/collections/parcels/items", BrowserAccept));
        Assert.Equal("text/html", await MediaTypeAsync("/api/v1/collections", BrowserAccept));
        Assert.Equal("text/html", await MediaTypeAsync("/api/v1", "text/html"));
        Assert.Equal("application/geo+json", await MediaTypeAsync("/api/v1/collections/parcels/items", null));
        Assert.Equal("application/geo+json", await MediaTypeAsync("/api/v1/collections/parcels/items", "*/*"));
        Assert.Equal("application/geo+json", await MediaTypeAsync("/api/v1/collections/parcels/items", "application/geo+json, text/html;q=0.5"));
        Assert.Equal("application/json", await MediaTypeAsync("/api/v1/collections/parcels", "application/json"));
        // An explicit format wins over the browser's Accept header.
        Assert.Equal("application/geo+json", await MediaTypeAsync("/api/v1/collections/parcels/items?f=json", BrowserAccept));
        Assert.Equal("text/csv", await MediaTypeAsync("/api/v1/collections/parcels/items?f=csv", BrowserAccept));
    }

    [Fact]
    public async Task responses_that_depend_on_the_accept_header_say_so_to_caches()
    {
        var json = await client.GetAsync("/api/v1/collections");
        var html = await client.GetAsync("/api/v1/collections?f=html");
        Assert.Contains("Accept", json.Headers.Vary);
        Assert.Contains("Accept", html.Headers.Vary);
    }

    [Fact]
    public async Task values_from_the_database_are_html_encoded_and_vietnamese_stays_readable()
    {
        foreach (var path in (string[])["/api/v1/collections?f=html", "/api/v1/collections/price-zones?f=html"])
        {
            var body = await client.GetStringAsync(path);
            Assert.DoesNotContain("<script>alert", body);
            Assert.DoesNotContain("<b>more", body);
            Assert.Contains("&lt;script&gt;alert(&quot;zones&quot;)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;", body);
        }
        var parcels = await client.GetStringAsync("/api/v1/collections/parcels?f=html");
        Assert.Contains("Thửa đất", parcels);
        Assert.Contains("<span class=\"vi\" lang=\"vi\">Địa chỉ thửa đất</span>", await client.GetStringAsync("/api/v1/collections/parcels/items?f=html"));
    }

    [Fact]
    public async Task leaflet_and_the_pages_scripts_are_served_by_the_hub_itself()
    {
        var leaflet = await client.GetAsync("/lib/leaflet/leaflet.js");
        Assert.Equal(HttpStatusCode.OK, leaflet.StatusCode);
        Assert.Contains("javascript", leaflet.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"1.9.4\"", await leaflet.Content.ReadAsStringAsync());
        var css = await client.GetAsync("/lib/leaflet/leaflet.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        foreach (var file in (string[])["/lib/leaflet/images/layers.png", "/js/items.js", "/js/extents.js", "/css/hub.css"])
        {
            Assert.True((await client.GetAsync(file)).StatusCode == HttpStatusCode.OK, file);
        }
    }

    [Fact]
    public async Task conformance_declares_html_and_the_documents_link_their_pages()
    {
        var conformance = await Ogc.GetJsonAsync(client, "/api/v1/conformance");
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
            conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()));
        foreach (var path in (string[])["/api/v1", "/api/v1/collections", "/api/v1/collections/parcels", "/api/v1/collections/parcels/items", "/api/v1/collections/parcels/items/1"])
        {
            var document = await Ogc.GetJsonAsync(client, path);
            var alternate = document.GetProperty("links").EnumerateArray()
                .Single(l => l.GetProperty("rel").GetString() == "alternate" && l.GetProperty("type").GetString() == "text/html");
            Assert.Contains("f=html", alternate.GetProperty("href").GetString());
        }
    }

    [Fact]
    public async Task an_unknown_feature_or_a_bad_query_is_still_a_problem_for_a_browser()
    {
        await Infrastructure.Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/parcels/items/999999?f=html"), HttpStatusCode.NotFound);
        await Infrastructure.Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/nowhere?f=html"), HttpStatusCode.NotFound);
        await Infrastructure.Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/parcels/items?f=html&limit=none"), HttpStatusCode.BadRequest);
    }

    private async Task<string?> MediaTypeAsync(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{path} ({accept}): {(int)response.StatusCode}");
        return response.Content.Headers.ContentType?.MediaType;
    }

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\s(?:src|href|action)=""(?<url>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex UrlAttributes();
}

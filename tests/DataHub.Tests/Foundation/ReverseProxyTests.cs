using System.Net;
using DataHub.Tests.Collections;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

/// <summary>The hub as the proxy on the same machine sees it: loopback is the trusted proxy by default.</summary>
public sealed class ProxiedHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Auth:RateLimitAnonymous", "2"), new("Auth:RateLimitWindowSeconds", "60")];
}

/// <summary>A hub told that its only proxy is elsewhere: headers from this test (loopback) must not count.</summary>
public sealed class ElsewhereProxiedHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("ReverseProxy:KnownProxies:0", "10.20.30.40")];
}

public sealed class ReverseProxyTests(ProxiedHubFixture hub) : IClassFixture<ProxiedHubFixture>
{
    internal static HttpRequestMessage Proxied(string path, string clientAddress = "203.0.113.7")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "datahub.sonnmt.dongnai.gov.vn");
        request.Headers.Add("X-Forwarded-Prefix", "/datahub");
        return request;
    }

    [Fact]
    public async Task links_written_behind_a_trusted_proxy_use_the_public_scheme_host_and_prefix()
    {
        using var client = hub.CreateClient();
        using var response = await client.SendAsync(Proxied("/api/v1/collections"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var collections = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://datahub.sonnmt.dongnai.gov.vn/datahub/api/v1/collections", Ogc.Link(collections, "self"));
    }

    /// <summary>The redirect and the page's own addresses were at the root, outside the hub's prefix.</summary>
    [Fact]
    public async Task a_browser_behind_the_proxy_is_sent_to_the_sign_in_page_under_the_prefix_and_back()
    {
        // The hub on its real socket, without following the redirect: where it points is the point.
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = hub.ClientOptions.BaseAddress };
        using var request = Proxied("/api/v1/collections?f=html");
        request.Headers.Add("Accept", "text/html");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("/datahub/sign-in.html?returnTo=%2Fdatahub%2Fapi%2Fv1%2Fcollections%3Ff%3Dhtml", response.Headers.Location!.OriginalString);
        var page = await client.GetStringAsync("/sign-in.html");
        var script = await client.GetStringAsync("/js/sign-in.js");
        Assert.DoesNotMatch("(href|src)=\"/", page);
        Assert.DoesNotContain("'/api/", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task anonymous_callers_behind_the_proxy_are_limited_by_their_own_address_not_the_proxys()
    {
        using var client = hub.CreateAnonymousClient();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Proxied("/api/v1", "203.0.113.20"))).StatusCode);
        }
        await Problems.AssertProblemAsync(await client.SendAsync(Proxied("/api/v1", "203.0.113.20")), HttpStatusCode.TooManyRequests);
        // Another client behind the same proxy still has its whole allowance.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Proxied("/api/v1", "203.0.113.21"))).StatusCode);
    }
}

public sealed class UntrustedProxyTests(ElsewhereProxiedHubFixture hub) : IClassFixture<ElsewhereProxiedHubFixture>
{
    [Fact]
    public async Task forwarded_headers_from_a_peer_that_is_not_a_known_proxy_are_ignored()
    {
        using var client = hub.CreateClient();
        using var response = await client.SendAsync(ReverseProxyTests.Proxied("/api/v1/collections"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var self = Ogc.Link(System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, "self");
        Assert.Equal(new Uri(client.BaseAddress!, "/api/v1/collections").ToString(), self);
    }
}

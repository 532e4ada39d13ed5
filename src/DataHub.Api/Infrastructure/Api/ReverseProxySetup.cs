using System.Net;
using System.ComponentModel.DataAnnotations;
using DataHub.Api.Infrastructure.Settings;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// The hub behind the department's reverse proxy (TLS ends there): X-Forwarded-For, -Proto,
/// -Host and -Prefix from a trusted proxy become the request's client address, scheme, host and
/// path base. Without this, every link the hub writes (next pages, schemas, status URLs) would
/// point at the proxy's internal address over http, and every anonymous caller would share the
/// proxy's address in the per-address rate limit and in the audit trail.
/// </summary>
/// <remarks>
/// ReverseProxy:KnownProxies (addresses) and ReverseProxy:KnownNetworks (CIDR) name the proxies
/// whose headers count; with neither set, only a proxy on the same machine (loopback) counts.
/// Headers from any other peer are ignored, so a client cannot forge its address or the links.
/// </remarks>
public static class ReverseProxySetup
{
    public static WebApplicationBuilder AddReverseProxySupport(this WebApplicationBuilder builder)
    {
        // Read from the container's configuration (not the builder's), so settings added after
        // the builder (tests, other sources) count too.
        builder.Services.AddCheckedSettings<ReverseProxySettings>("ReverseProxy").Check(s => s.Problems());
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxySettings>>((options, settings) =>
        {
            var proxies = settings.Value.KnownProxies;
            var networks = settings.Value.KnownNetworks;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
            options.ForwardLimit = settings.Value.ForwardLimit;
            if (proxies.Length > 0 || networks.Length > 0)
            {
                // Configured proxies replace the loopback default rather than adding to it.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var proxy in proxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
                foreach (var network in networks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline: everything after it sees the client's address, scheme and host.</summary>
    public static WebApplication UseReverseProxySupport(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}

/// <summary>The ReverseProxy section of the settings, checked at start.</summary>
public sealed class ReverseProxySettings
{
    /// <summary>Addresses of the proxies whose forwarded headers count; with KnownNetworks, they replace loopback.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>CIDR networks of such proxies.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a chain are read.</summary>
    [Range(1, 10, ErrorMessage = "must be from 1 to 10.")]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Each address or network that cannot be read, named.</summary>
    public IEnumerable<string> Problems() =>
        KnownProxies.Select((proxy, at) => IPAddress.TryParse(proxy, out _) ? null : $"ReverseProxy:KnownProxies:{at} '{proxy}' is not an IP address.")
            .Concat(KnownNetworks.Select((network, at) => System.Net.IPNetwork.TryParse(network, out _) ? null
                : $"ReverseProxy:KnownNetworks:{at} '{network}' is not a network in CIDR notation (10.0.0.0/8)."))
            .OfType<string>();
}

using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

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
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var section = configuration.GetSection("ReverseProxy");
            var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
            var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
            options.ForwardLimit = section.GetValue("ForwardLimit", 1);
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

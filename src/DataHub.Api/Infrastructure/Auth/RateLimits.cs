using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>
/// A fixed window per signed-in principal (or per address without a token), so one client
/// cannot starve the others. Runs after authentication, so the partition is the principal,
/// not whatever a caller writes into a header.
/// </summary>
public static class RateLimits
{
    public static WebApplicationBuilder AddHubRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(o =>
        {
            // Settings are read per request from the options, not at start-up, so configuration
            // added after the builder (tests, reloads) applies too.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var options = Options(http);
                var signedIn = http.User.Identity?.IsAuthenticated == true;
                var key = signedIn ? http.User.Actor() : "address:" + http.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = signedIn ? options.RateLimitPerPrincipal : options.RateLimitAnonymous,
                    Window = TimeSpan.FromSeconds(options.RateLimitWindowSeconds),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var options = Options(http);
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(options.RateLimitWindowSeconds);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var limit = http.User.Identity?.IsAuthenticated == true ? options.RateLimitPerPrincipal : options.RateLimitAnonymous;
                await ProblemAuthorizationResultHandler.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This caller may make {limit} requests per {options.RateLimitWindowSeconds} s; try again after the time in Retry-After.");
            };
        });
        return builder;
    }

    public static WebApplication UseHubRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    private static AuthOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
}

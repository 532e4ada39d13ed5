using System.Globalization;
using System.Threading.RateLimiting;

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
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var window = TimeSpan.FromSeconds(options.RateLimitWindowSeconds);
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var signedIn = http.User.Identity?.IsAuthenticated == true;
                var key = signedIn ? http.User.Actor() : "address:" + http.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = signedIn ? options.RateLimitPerPrincipal : options.RateLimitAnonymous,
                    Window = window,
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ProblemAuthorizationResultHandler.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This caller may make {(context.HttpContext.User.Identity?.IsAuthenticated == true ? options.RateLimitPerPrincipal : options.RateLimitAnonymous)} requests per {options.RateLimitWindowSeconds} s; try again after the time in Retry-After.");
            };
        });
        return builder;
    }

    public static WebApplication UseHubRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}

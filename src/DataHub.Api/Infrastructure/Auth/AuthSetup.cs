using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using DataHub.Api.Infrastructure.Settings;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>
/// Bearer tokens, one policy per permission, and deny by default: an endpoint that names
/// neither a permission nor [AllowAnonymous] answers 401/403 to everyone.
/// </summary>
public static class AuthSetup
{
    public static WebApplicationBuilder AddHubAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // A key that cannot be read stops the start with its reason: found at the first request,
        // it made every request (health checks included) a 500.
        services.AddCheckedSettings<AuthOptions>("Auth")
            .Validate(o => AuthOptions.SigningKeyProblem(o.SigningKey) is null, "Auth:SigningKey must be base64 of at least 32 bytes (for example: head -c 32 /dev/urandom | base64).")
            .Check(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _) ? null : $"Auth:TimeZone '{o.TimeZone}' is not a time zone this machine knows (Asia/Ho_Chi_Minh).");
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<PrincipalResolver>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer>((o, issuer) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = issuer.ValidationParameters();
                o.Events = new BearerEvents();
            });

        services.AddAuthorization(o =>
        {
            foreach (var permission in Permissions.All.Append(Permissions.PasswordChange))
            {
                o.AddPolicy(permission, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
            }
            // Signed in and not held to changing the password first.
            o.AddPolicy(Permissions.SignedIn, p => p.RequireAuthenticatedUser().RequireAssertion(c => !c.User.HasClaim(x => x.Type == HubPrincipal.PasswordChangeClaim)));
            // Any valid token, even one that may only change its password: to ask who one is.
            o.AddPolicy(Permissions.AnyPrincipal, p => p.RequireAuthenticatedUser());
            o.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new NotAnEndpointRequirement()).Build();
        });
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationHandler, NotAnEndpointHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        builder.AddHubRateLimits();
        return builder;
    }

    public static WebApplication UseHubAuth(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseHubRateLimits();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The hub's per-request check of the token's principal, and problem answers for 401.</summary>
    private sealed class BearerEvents : JwtBearerEvents
    {
        // The HTML pages carry the token in a cookie; a bearer header, when there is one, wins.
        public override Task MessageReceived(MessageReceivedContext context)
        {
            if (string.IsNullOrEmpty(context.Request.Headers.Authorization) && context.Request.Cookies.TryGetValue(TokenCookie.Name, out var token))
            {
                context.Token = token;
            }
            return Task.CompletedTask;
        }

        public override async Task TokenValidated(TokenValidatedContext context)
        {
            var principal = context.Principal!;
            var subject = principal.FindFirst("sub")?.Value ?? "";
            var epoch = int.TryParse(principal.FindFirst(TokenIssuer.EpochClaim)?.Value, out var e) ? e : -1;
            var resolver = context.HttpContext.RequestServices.GetRequiredService<PrincipalResolver>();
            var (identity, refusal) = await resolver.ResolveAsync(subject, epoch, principal.FindFirst(TokenIssuer.ScopeClaim)?.Value, context.HttpContext.RequestAborted);
            if (identity is null)
            {
                context.Fail(refusal!);
                return;
            }
            context.Principal = new System.Security.Claims.ClaimsPrincipal(identity);
        }

        public override async Task Challenge(JwtBearerChallengeContext context)
        {
            context.HandleResponse();
            if (HttpMethods.IsGet(context.Request.Method) && Html.HtmlNegotiation.WantsHtml(context.Request))
            {
                // A person browsing: to the sign-in page, and back here afterwards; under the
                // public path prefix when a proxy publishes the hub below one.
                var request = context.Request;
                context.Response.Redirect($"{request.PathBase}/sign-in.html?returnTo=" + Uri.EscapeDataString(request.PathBase + request.Path + request.QueryString));
                return;
            }
            var detail = context.AuthenticateFailure switch
            {
                null => "This needs a bearer token: sign in at /api/v1/auth/sign-in (people) or ask /api/v1/auth/token (clients).",
                Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException => "The token has expired; ask for a new one.",
                Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException => "The token was not issued for this API (wrong audience).",
                Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException => "The token was not issued by this hub (wrong issuer).",
                Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAlgorithmException => "The token is not signed with the algorithm this hub uses (HS256).",
                Microsoft.IdentityModel.Tokens.SecurityTokenSignatureKeyNotFoundException or Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
                Microsoft.AspNetCore.Authentication.AuthenticationFailureException { Message: var message } => message,
                _ => "The token is not valid.",
            };
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await ProblemAuthorizationResultHandler.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Not signed in", detail);
        }

        public override Task AuthenticationFailed(AuthenticationFailedContext context) => Task.CompletedTask;
    }
}

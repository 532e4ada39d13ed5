using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>Met when the caller holds the permission (for at least one dataset, where it is per dataset).</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.Has(requirement.Permission))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The fallback policy: met only where routing found no endpoint (the 404 and 405 answers), so a
/// real endpoint that declares nothing is closed to everyone instead of open to everyone.
/// </summary>
public sealed record NotAnEndpointRequirement : IAuthorizationRequirement;

public sealed class NotAnEndpointHandler : AuthorizationHandler<NotAnEndpointRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, NotAnEndpointRequirement requirement)
    {
        if (context.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>401 and 403 leave as problems saying which right was missing.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler defaults = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
            var detail = context.User.HasClaim(c => c.Type == HubPrincipal.PasswordChangeClaim)
                ? "The password must be changed first (POST /api/v1/auth/password); until then nothing else is allowed."
                : failed.OfType<PermissionRequirement>().FirstOrDefault() is { } missing
                    ? $"This needs the right '{missing.Permission}', which the caller's roles do not give."
                    : failed.OfType<NotAnEndpointRequirement>().Any()
                        ? "This endpoint is not open to any role."
                        : "The caller may not do this.";
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", detail);
            return;
        }
        await defaults.HandleAsync(next, context, policy, authorizeResult);
    }

    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

using Microsoft.AspNetCore.Diagnostics;
using System.Text.RegularExpressions;
using Asp.Versioning.ApiExplorer;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// Asp.Versioning answers 404 when a URL segment names a version that no route has (the URL
/// "does not exist"). Callers are better served by a 400 that names the versions there are,
/// so a 404 under /api/v{x}/ with an unknown x is turned into that.
/// </summary>
public static partial class UnsupportedVersion
{
    [GeneratedRegex(@"^/api/v(?<version>[^/]+)(/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegment();

    public static async Task RewriteNotFound(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = http.Response.StatusCode };

        if (http.Response.StatusCode == StatusCodes.Status404NotFound
            && VersionSegment().Match(http.Request.Path.Value ?? "") is { Success: true } match)
        {
            var descriptions = http.RequestServices.GetRequiredService<IApiVersionDescriptionProvider>().ApiVersionDescriptions;
            var supported = descriptions.Select(d => d.GroupName).ToList();
            var requested = "v" + match.Groups["version"].Value;
            if (!supported.Contains(requested, StringComparer.OrdinalIgnoreCase))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                problem.Status = StatusCodes.Status400BadRequest;
                problem.Title = "Unsupported API version";
                problem.Detail = $"API version '{requested}' does not exist. Supported: {string.Join(", ", supported)}.";
                problem.Extensions["code"] = "UnsupportedApiVersion";
                http.Response.Headers["api-supported-versions"] = string.Join(", ", descriptions.Select(d => d.ApiVersion.ToString()));
            }
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// Every error leaves as application/problem+json (RFC 9457) with the request's trace id, so a
/// caller can quote it and an operator can find the matching log lines.
/// </summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddHubProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            context.ProblemDetails.Instance ??= http.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
            context.ProblemDetails.Extensions.Remove("requestId");
            if (context.ProblemDetails.Status == StatusCodes.Status405MethodNotAllowed)
            {
                context.ProblemDetails.Detail ??= $"{http.Request.Method} is not allowed on {http.Request.Path}.";
            }
            else if (context.ProblemDetails.Status == StatusCodes.Status404NotFound)
            {
                context.ProblemDetails.Detail ??= $"Nothing is published at {http.Request.Path}. The API lives under /api/v1; its description is at /openapi/v1.json.";
            }
            else if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                context.ProblemDetails.Detail ??= UnsupportedMediaType(http);
            }
            else if (context.ProblemDetails.Status == StatusCodes.Status500InternalServerError)
            {
                context.ProblemDetails.Detail ??= "The hub failed while handling this request; the trace id identifies it in the hub's log.";
            }
        });

        // After ASP.NET's writer, for clients that accept neither JSON nor anything.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonForAnyAccept>();
        // 413 and 400s raised while reading the body keep their own status and message.
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    // Names what was sent and where the accepted types are listed. (Routing answers a media type no
    // action takes with an endpoint of its own, which does not carry the actions' accepted types.)
    private static string UnsupportedMediaType(HttpContext http)
    {
        var sent = http.Request.ContentType is { Length: > 0 } type ? $"Content-Type {type}" : "A body without a Content-Type";
        return $"{sent} is not accepted at {http.Request.Path}; the API description (/openapi/v1.json) lists the types each operation takes.";
    }

    public static WebApplication UseHubErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(UnsupportedVersion.RewriteNotFound);
        return app;
    }

    /// <summary>
    /// Answers with a status and a problem saying why (an exception a handler recognises, or a
    /// refusal before any action runs), with <c>errors</c> by field as ValidationProblemDetails has
    /// them. (The writer serializes the declared ProblemDetails type, so a derived type's members
    /// would be dropped: the errors go in as an extension.)
    /// </summary>
    public static async ValueTask<bool> WriteStatusAsync(this IProblemDetailsService problems, HttpContext httpContext, Exception? exception,
        int status, string? title, string detail, IDictionary<string, string[]>? errors = null)
    {
        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }
            return await problems.WriteStatusAsync(httpContext, exception, bad.StatusCode, null,
                bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is larger than this endpoint accepts." : bad.Message);
        }
    }
}

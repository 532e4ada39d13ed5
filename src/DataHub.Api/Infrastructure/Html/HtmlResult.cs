using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Infrastructure.Html;

/// <summary>A rendered page, sent with the headers that lock it to the hub's own files.</summary>
public sealed class HtmlResult(RawHtml page) : ActionResult
{
    /// <summary>
    /// Scripts, styles, images and fetches from the hub only; no inline script or style, no
    /// framing. The pages keep all code in wwwroot files so that this can stay this strict.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public override async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
        await response.WriteAsync(page.Value, Encoding.UTF8, context.HttpContext.RequestAborted);
    }
}

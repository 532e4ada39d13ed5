using Microsoft.Net.Http.Headers;

namespace DataHub.Api.Infrastructure.Html;

public static class HtmlSetup
{
    /// <summary>
    /// The files behind the HTML pages (wwwroot: the vendored Leaflet, the pages' scripts and
    /// styles). Served by the hub itself: the pages must work with no other host reachable.
    /// </summary>
    public static WebApplication UseHtml(this WebApplication app)
    {
        // The API's URLs answer JSON or HTML by the Accept header: caches must keep the two apart.
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.Headers.Append(HeaderNames.Vary, "Accept");
            }
            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                // The files are not fingerprinted: revalidate (ETag) rather than trust a stale copy.
                context.Context.Response.Headers.CacheControl = "no-cache";
                context.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });
        return app;
    }
}

using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace DataHub.Api.Collections;

public static class CollectionsSetup
{
    /// <summary>The catalogue, the OGC API - Features endpoints and compression of their (large) answers.</summary>
    public static WebApplicationBuilder AddCollections(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Catalogue>();
        builder.Services.AddSingleton<CollectionDescriber>();
        builder.Services.AddSingleton<MatchCounts>();
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(
                ["application/geo+json", "application/schema+json", "application/problem+json", "text/csv", "application/ld+json"]);
        });
        // Streamed pages: favour throughput over the last few percent of size.
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return builder;
    }

    public static WebApplication UseCollections(this WebApplication app)
    {
        app.UseResponseCompression();
        return app;
    }
}

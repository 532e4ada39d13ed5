using System.Reflection;
using Asp.Versioning.ApiExplorer;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DataHub.Api.Infrastructure.OpenApi;

public static class OpenApiSetup
{
    /// <summary>OpenAPI 3.0, because OGC API - Features' "OpenAPI 3.0" conformance class names it.</summary>
    public const OpenApiSpecVersion SpecVersion = OpenApiSpecVersion.OpenApi3_0;

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddSwaggerGen(o =>
        {
            o.SupportNonNullableReferenceTypes();
            o.OperationFilter<OgcParameters>();
            o.OperationFilter<AuthDocs>();
            o.OperationFilter<ValidationDocs>();
            o.AddSecurityDefinition(AuthDocs.Scheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from POST /api/v1/auth/sign-in (people) or POST /api/v1/auth/token (clients, OAuth2 client credentials).",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
            if (File.Exists(xml))
            {
                o.IncludeXmlComments(xml);
            }
        });
        // One document per API version, described from what Asp.Versioning discovered.
        builder.Services.AddTransient<IConfigureOptions<SwaggerGenOptions>, VersionedDocuments>();
        return builder;
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.UseSwagger(o =>
        {
            o.RouteTemplate = "openapi/{documentName}.{extension:regex(^(json|ya?ml)$)}";
            o.OpenApiVersion = SpecVersion;
        });
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.DocumentTitle = "DataHub API";
            foreach (var description in app.DescribeApiVersions())
            {
                o.SwaggerEndpoint($"/openapi/{description.GroupName}.json", $"DataHub API {description.GroupName}");
            }
        });
        return app;
    }

    /// <summary>The committed openapi.yaml: the v1 document as the running code describes it.</summary>
    public static async Task WriteYamlAsync(IServiceProvider services, Stream output, string documentName, CancellationToken cancellationToken)
    {
        var provider = services.GetRequiredService<ISwaggerProvider>();
        var document = provider.GetSwagger(documentName);
        await document.SerializeAsYamlAsync(output, SpecVersion, cancellationToken);
    }

    private sealed class VersionedDocuments(IApiVersionDescriptionProvider versions) : IConfigureOptions<SwaggerGenOptions>
    {
        public void Configure(SwaggerGenOptions options)
        {
            foreach (var description in versions.ApiVersionDescriptions)
            {
                options.SwaggerDoc(description.GroupName, new OpenApiInfo
                {
                    Title = "DataHub API",
                    Version = description.ApiVersion.ToString(),
                    Description = """
                        Land data sharing hub of a provincial Department of Agriculture and Environment:
                        default-shared land datasets (OGC API - Features, GeoJSON), submissions in standard
                        exchange structures, and negotiated special-request sharing.
                        Errors are application/problem+json (RFC 9457) with a traceId.
                        """,
                });
            }
        }
    }
}

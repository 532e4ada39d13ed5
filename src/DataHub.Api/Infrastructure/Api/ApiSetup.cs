using System.Text.Json;
using System.Text.Json.Serialization;
using Asp.Versioning;

namespace DataHub.Api.Infrastructure.Api;

public static class ApiSetup
{
    public static readonly ApiVersion V1 = new(1, 0);

    /// <summary>Controllers under /api/v{version}, JSON in camelCase, errors as problem details.</summary>
    public static WebApplicationBuilder AddHubApi(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddControllers(o => o.Filters.Add(new KnownQueryParameters()))
            .AddJsonOptions(o =>
            {
                o.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                o.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
                o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
                // {"username": "a", "username": "b"} is a mistake to name, not a choice of the last.
                o.JsonSerializerOptions.AllowDuplicateProperties = false;
                o.JsonSerializerOptions.Converters.Add(new RefusedCharacters.RefusingConverter());
                o.JsonSerializerOptions.Converters.Add(new RefusedCharacters.ElementConverter());
            })
            .AddHubModelValidation();

        builder.Services
            .AddApiVersioning(o =>
            {
                o.DefaultApiVersion = V1;
                o.AssumeDefaultVersionWhenUnspecified = false;
                o.ReportApiVersions = true; // api-supported-versions / api-deprecated-versions headers
                o.ApiVersionReader = new UrlSegmentApiVersionReader();
            })
            .AddMvc()
            .AddApiExplorer(o =>
            {
                o.GroupNameFormat = "'v'V";
                o.SubstituteApiVersionInUrl = true;
            });

        builder.Services.AddHubProblemDetails();
        builder.Services.AddNulRefusal();
        return builder;
    }
}

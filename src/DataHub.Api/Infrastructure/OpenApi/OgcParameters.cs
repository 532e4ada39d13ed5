using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DataHub.Api.Infrastructure.OpenApi;

/// <summary>
/// The items parameters are read as text so that the hub can clamp and explain them itself; the
/// API description still states their real types and bounds, because clients size their pages
/// from it (GDAL's OAPIF driver reads limit's maximum).
/// </summary>
public sealed class OgcParameters : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is not OpenApiParameter p)
            {
                continue;
            }
            switch (p.Name)
            {
                case "limit":
                    // A list endpoint states its own bounds; the OGC endpoints (items, changes) share theirs.
                    var page = context.MethodInfo.GetParameters().FirstOrDefault(x => x.Name == "limit")?.GetCustomAttribute<PageLimitAttribute>();
                    p.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Minimum = "1",
                        Maximum = (page?.Maximum ?? 10000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(page?.Default ?? (context.MethodInfo.Name == "GetChanges" ? 100 : 10)),
                    };
                    break;
                case "offset":
                    p.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Default = JsonValue.Create(0) };
                    break;
                case "bbox":
                    p.Style = ParameterStyle.Form;
                    p.Explode = false;
                    p.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        MinItems = 4,
                        MaxItems = 6,
                        Items = new OpenApiSchema { Type = JsonSchemaType.Number },
                    };
                    break;
            }
        }
    }
}

/// <summary>
/// The page size bounds a list endpoint checks itself (answering 400 outside them), for its API
/// description: without it the parameter would be described with the items' bounds.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PageLimitAttribute(int maximum, int byDefault) : Attribute
{
    public int Maximum { get; } = maximum;
    public int Default { get; } = byDefault;
}

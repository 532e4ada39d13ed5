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
                    p.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Minimum = "1",
                        Maximum = "10000", // items and changes alike
                        Default = JsonValue.Create(context.MethodInfo.Name == "GetChanges" ? 100 : 10),
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

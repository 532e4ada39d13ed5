using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DataHub.Api.Infrastructure.OpenApi;

/// <summary>
/// Every operation can answer 400: a query parameter it does not take (KnownQueryParameters),
/// and MVC's binding refuses a body that does not parse, a value of the wrong type, a null item
/// in a list, a date outside 1900-2199 or a NUL character, before the action runs. Operations
/// that do not declare their own 400 get this one, so the document lists what the code answers.
/// </summary>
public sealed class ValidationDocs : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd("400", new OpenApiResponse { Description = "The request is not valid: `errors` names each field or parameter and what is wrong with it (problem+json)." });
    }
}

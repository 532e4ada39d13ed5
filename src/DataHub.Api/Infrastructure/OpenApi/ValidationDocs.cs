using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DataHub.Api.Infrastructure.OpenApi;

/// <summary>
/// Every operation that takes a body or query parameters can answer 400: MVC's binding refuses a
/// body that does not parse, a value of the wrong type, a null item in a list, a date outside
/// 1900-2199 or a NUL character, before the action runs. Operations that do not declare their
/// own 400 get this one, so the document lists what the code answers.
/// </summary>
public sealed class ValidationDocs : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var takesInput = context.ApiDescription.ParameterDescriptions.Any(p =>
            p.Source == BindingSource.Body || p.Source == BindingSource.Query);
        if (!takesInput)
        {
            return;
        }
        operation.Responses ??= [];
        operation.Responses.TryAdd("400", new OpenApiResponse { Description = "The request is not valid: `errors` names each field or parameter and what is wrong with it (problem+json)." });
    }
}

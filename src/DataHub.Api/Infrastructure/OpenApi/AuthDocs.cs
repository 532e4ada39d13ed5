using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DataHub.Api.Infrastructure.OpenApi;

/// <summary>
/// Marks each operation that needs a token with the bearer scheme and names the right it needs,
/// so the document says what the code enforces (and the Swagger UI shows the Authorize button).
/// </summary>
public sealed class AuthDocs : IOperationFilter
{
    public const string Scheme = "bearer";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }
        var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
        operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") +
            (policy is null or "signed-in" or "any-principal" ? "Needs a bearer token." : $"Needs a bearer token with the right `{policy}`.");
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or a token that is expired, revoked or not valid (problem+json)." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The caller's roles do not give the right this needs (problem+json)." });
    }
}

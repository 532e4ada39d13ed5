using System.Text.Json;
using Json.Schema;

namespace DataHub.Api.Schemas;

/// <summary>
/// What made an instance invalid against a JSON Schema, each as (JSON pointer into the instance,
/// message), for the exchange structures and the dossier forms alike: the errors of the
/// evaluations that failed, followed down only through failed evaluations. A branch of an anyOf
/// or oneOf that the instance did not need (a Polygon tried against MultiPolygon) and the
/// condition of an if (which only chooses between then and else) say nothing about the instance.
/// </summary>
public static class SchemaFailures
{
    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    public static IReadOnlyList<(string Pointer, string Message)> Of(JsonSchema schema, JsonElement instance)
    {
        var failures = new List<(string, string)>();
        Collect(schema.Evaluate(instance, Hierarchical), failures);
        return failures.Distinct().ToList();
    }

    private static void Collect(EvaluationResults result, List<(string, string)> failures)
    {
        if (result.IsValid || result.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal))
        {
            return;
        }
        foreach (var error in result.Errors ?? new Dictionary<string, string>())
        {
            failures.Add((result.InstanceLocation.ToString(), error.Value));
        }
        foreach (var detail in result.Details ?? [])
        {
            Collect(detail, failures);
        }
    }
}

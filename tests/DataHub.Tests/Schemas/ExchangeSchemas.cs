using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Json.Schema;

namespace DataHub.Tests.Schemas;

/// <summary>
/// The JSON Schemas of schemas/json, built into one registry of their own: the dataset schemas
/// refer to the shared geometry schema by its $id, which only resolves once that one is built.
/// </summary>
public static class ExchangeSchemas
{
    public static readonly string[] Datasets = ["parcels", "planning-zones", "price-zones", "admin-units", "land-statistics"];

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "schemas", "json");

    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Folder, "*.schema.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private static readonly Lazy<Dictionary<string, JsonSchema>> Built = new(Build);

    /// <summary>A schema by its $id, e.g. https://datahub.local/schemas/parcels/v1.</summary>
    public static JsonSchema ById(string id) => Built.Value[id];

    public static JsonSchema Dataset(string dataset, string version = "v1") => ById($"https://datahub.local/schemas/{dataset}/{version}");

    /// <summary>Formats are asserted: a sender's date must be a date, not just look like one.</summary>
    public static EvaluationResults Evaluate(JsonSchema schema, JsonElement instance) =>
        schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    public static EvaluationResults Evaluate(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        return Evaluate(schema, document.RootElement.Clone());
    }

    /// <summary>
    /// Every failing location as (instance pointer, keyword, message). A failed "if" only picks
    /// the branch, so its errors are not the instance's and are left out.
    /// </summary>
    public static IReadOnlyList<(string Pointer, string Keyword, string Message)> Errors(EvaluationResults results) =>
        (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 } && !d.EvaluationPath.ToString().Split('/').Contains("if"))
            .SelectMany(d => d.Errors!.Select(e => (d.InstanceLocation.ToString(), e.Key, e.Value)))
            .ToList();

    private static Dictionary<string, JsonSchema> Build()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var schemas = new Dictionary<string, JsonSchema>();
        // Shared schemas first: building a schema resolves its references.
        foreach (var file in Files().OrderBy(f => f.Contains($"{Path.DirectorySeparatorChar}common{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? 0 : 1))
        {
            var text = File.ReadAllText(file);
            var id = JsonDocument.Parse(text).RootElement.GetProperty("$id").GetString()!;
            schemas[id] = JsonSchema.FromText(text, options);
        }
        return schemas;
    }
}

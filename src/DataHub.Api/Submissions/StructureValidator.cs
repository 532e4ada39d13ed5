using System.Text.Json;
using DataHub.Api.Schemas;
using Json.Schema;

namespace DataHub.Api.Submissions;

/// <summary>
/// Validates records against the published exchange structures (schemas/json), the same files
/// /api/v1/schemas serves: the contract is one file, read by clients and by the hub alike.
/// </summary>
public sealed class StructureValidator
{
    private readonly Dictionary<string, JsonSchema> schemas = [];

    public StructureValidator(ExchangeStructures structures)
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        // Shared parts first: building a dataset's schema resolves its references to them.
        foreach (var file in structures.All().OrderBy(f => f.Dataset is null ? 0 : 1))
        {
            var schema = JsonSchema.FromText(File.ReadAllText(file.Path), options);
            if (file.Dataset is { } dataset)
            {
                schemas[$"{dataset}/{file.Version}"] = schema;
            }
        }
    }

    private static readonly EvaluationOptions FlagOnly = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    public bool Has(string dataset, string version) => schemas.ContainsKey($"{dataset}/{version}");

    /// <summary>What made the record invalid, each as (JSON pointer into the record, message): see <see cref="SchemaFailures"/>.</summary>
    public IReadOnlyList<(string Pointer, string Message)> Validate(string dataset, string version, JsonElement record)
    {
        var schema = schemas[$"{dataset}/{version}"];
        // Most records are valid: the Flag format stops at the first failure and builds no
        // report, several times cheaper; only an invalid record is evaluated again for details.
        return schema.Evaluate(record, FlagOnly).IsValid ? [] : SchemaFailures.Of(schema, record);
    }

    /// <summary>"/properties/land_uses/0/area_m2" as "properties.land_uses[0].area_m2".</summary>
    public static string Path(string location)
    {
        var path = new System.Text.StringBuilder();
        foreach (var part in location.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path.Append(int.TryParse(name, out _) ? $"[{name}]" : (path.Length == 0 ? name : "." + name));
        }
        return path.ToString();
    }
}

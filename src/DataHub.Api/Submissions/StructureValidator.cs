using System.Text.Json;
using DataHub.Api.Schemas;
using Json.Schema;

namespace DataHub.Api.Submissions;

/// <summary>
/// Validates records against the published exchange structures (schemas/json), the same files
/// /api/v1/schemas serves: the contract is one file, read by clients and by the hub alike.
/// </summary>
public sealed partial class StructureValidator
{
    private readonly Dictionary<string, (JsonSchema Reference, CompiledSchema? Compiled)> schemas = [];

    public StructureValidator(ExchangeStructures structures, ILogger<StructureValidator> logger)
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var documents = new Dictionary<Uri, JsonElement>();
        var datasets = new List<(string Key, JsonSchema Schema, JsonElement Root)>();
        // Shared parts first: building a dataset's schema resolves its references to them.
        foreach (var file in structures.All().OrderBy(f => f.Dataset is null ? 0 : 1))
        {
            var text = File.ReadAllText(file.Path);
            var schema = JsonSchema.FromText(text, options);
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement.Clone();
            if (root.TryGetProperty("$id", out var id) && Uri.TryCreate(id.GetString(), UriKind.Absolute, out var uri))
            {
                documents[uri] = root;
            }
            if (file.Dataset is { } dataset)
            {
                datasets.Add(($"{dataset}/{file.Version}", schema, root));
            }
        }
        foreach (var (key, schema, root) in datasets)
        {
            if (!CompiledSchema.TryCompile(root, documents, out var compiled, out var whyNot))
            {
                LogNotCompiled(logger, key, whyNot);
            }
            schemas[key] = (schema, compiled);
        }
    }

    private static readonly EvaluationOptions FlagOnly = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    public bool Has(string dataset, string version) => schemas.ContainsKey($"{dataset}/{version}");

    /// <summary>Whether the structure is checked by its compiled form (false: by JsonSchema.Net alone).</summary>
    public bool IsCompiled(string dataset, string version) => schemas[$"{dataset}/{version}"].Compiled is not null;

    /// <summary>What made the record invalid, each as (JSON pointer into the record, message): see <see cref="SchemaFailures"/>.</summary>
    public IReadOnlyList<(string Pointer, string Message)> Validate(string dataset, string version, JsonElement record)
    {
        var (schema, compiled) = schemas[$"{dataset}/{version}"];
        // Most records are valid: the verdict alone comes from the compiled schema (or JsonSchema.Net's
        // Flag format when the structure could not be compiled), many times cheaper than a report;
        // only an invalid record is evaluated again by JsonSchema.Net for what made it so.
        var valid = compiled?.IsValid(record) ?? schema.Evaluate(record, FlagOnly).IsValid;
        return valid ? [] : SchemaFailures.Of(schema, record);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The exchange structure {Structure} is checked by JsonSchema.Net alone, not compiled: {WhyNot}")]
    private static partial void LogNotCompiled(ILogger logger, string structure, string whyNot);

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

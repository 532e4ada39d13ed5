using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataHub.Api.Schemas;
using Json.Schema;

namespace DataHub.Api.Dossiers;

/// <summary>
/// The electronic forms: one JSON Schema per procedure and version in
/// schemas/json/forms/&lt;procedure&gt;/&lt;version&gt;.schema.json, the same file the sender reads.
/// </summary>
public sealed partial class DossierForms(string folder)
{
    public static string DefaultFolder => Path.Combine(ExchangeStructures.DefaultFolder, "forms");

    private readonly ConcurrentDictionary<string, FormSchema?> cache = new();

    // Procedure codes and versions reach the file system only in these shapes.
    [GeneratedRegex(@"^[0-9]\.[0-9]{6}$")]
    private static partial Regex ProcedurePattern();

    [GeneratedRegex("^v[1-9][0-9]{0,3}$")]
    private static partial Regex VersionPattern();

    public FormSchema? Find(string procedure, string version) =>
        ProcedurePattern().IsMatch(procedure) && VersionPattern().IsMatch(version)
            ? cache.GetOrAdd($"{procedure}/{version}", _ => Load(Path.Combine(folder, procedure, version + ".schema.json")))
            : null;

    private static FormSchema? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var text = File.ReadAllText(path);
        var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var document = JsonDocument.Parse(text);
        return new FormSchema(schema, document.RootElement.Clone());
    }
}

/// <summary>One form's schema: validation with JSON pointers, and the walk the page and the withholding share.</summary>
public sealed class FormSchema(JsonSchema schema, JsonElement root)
{
    public JsonElement Root => root;

    public string Title => root.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";

    /// <summary>What made the form invalid, each as (JSON pointer into the form, message), in pointer order.</summary>
    public IReadOnlyList<(string Pointer, string Message)> Validate(JsonElement form)
    {
        return SchemaFailures.Of(schema, form).OrderBy(p => p.Pointer, StringComparer.Ordinal).ToList();
    }

    /// <summary>A property's schema with a local $ref followed ("#/$defs/parcel").</summary>
    public JsonElement Resolve(JsonElement property)
    {
        if (property.TryGetProperty("$ref", out var reference) && reference.GetString() is { } r && r.StartsWith("#/", StringComparison.Ordinal))
        {
            var target = root;
            foreach (var part in r[2..].Split('/'))
            {
                target = target.GetProperty(part);
            }
            return target;
        }
        return property;
    }

    public static bool IsPersonal(JsonElement property) =>
        property.TryGetProperty("x-personal", out var p) && p.ValueKind == JsonValueKind.True;

    /// <summary>
    /// The form without its personal fields (x-personal), and the pointers of what was taken out:
    /// what every default response carries.
    /// </summary>
    public (JsonNode? Form, IReadOnlyList<string> Withheld) Withhold(JsonNode? form)
    {
        var withheld = new List<string>();
        var copy = form?.DeepClone();
        Strip(root, copy, "", withheld);
        return (copy, withheld);
    }

    private void Strip(JsonElement property, JsonNode? value, string pointer, List<string> withheld)
    {
        property = Resolve(property);
        if (value is JsonObject obj && property.TryGetProperty("properties", out var properties))
        {
            foreach (var p in properties.EnumerateObject())
            {
                if (!obj.ContainsKey(p.Name))
                {
                    continue;
                }
                if (IsPersonal(Resolve(p.Value)))
                {
                    obj.Remove(p.Name);
                    withheld.Add($"{pointer}/{p.Name}");
                }
                else
                {
                    Strip(p.Value, obj[p.Name], $"{pointer}/{p.Name}", withheld);
                }
            }
        }
        else if (value is JsonArray array && property.TryGetProperty("items", out var items))
        {
            for (var i = 0; i < array.Count; i++)
            {
                Strip(items, array[i], $"{pointer}/{i}", withheld);
            }
        }
    }
}

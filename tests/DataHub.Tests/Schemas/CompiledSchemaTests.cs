using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Api.Schemas;
using DataHub.Api.Submissions;
using DataHub.Tests.Infrastructure;
using Json.Schema;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Tests.Schemas;

/// <summary>
/// The compiled schemas give JsonSchema.Net's verdict: compared record by record on the samples
/// and on thousands of deterministic mutants of them, for every exchange structure.
/// </summary>
public sealed class CompiledSchemaTests
{
    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

    private static readonly Lazy<Dictionary<Uri, JsonElement>> Documents = new(() =>
        ExchangeSchemas.Files().Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .ToDictionary(root => new Uri(root.GetProperty("$id").GetString()!), root => root));

    private static CompiledSchema Compile(string id)
    {
        Assert.True(CompiledSchema.TryCompile(Documents.Value[new Uri(id)], Documents.Value, out var compiled, out var whyNot), whyNot);
        return compiled;
    }

    public static TheoryData<string> SchemaIds() => [.. ExchangeSchemas.Files().Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("$id").GetString()!)];

    [Theory]
    [MemberData(nameof(SchemaIds))]
    public void every_schema_file_under_schemas_json_compiles_forms_included(string id)
    {
        Compile(id);
    }

    // The sample submission of each dataset (v1 structures of planning and price zones get the v2
    // samples without zone_code, which v1 does not have).
    public static TheoryData<string, string> Structures() => new()
    {
        { "parcels/v1", "parcels-small.geojson" },
        { "land-statistics/v1", "land-statistics-2025.geojson" },
        { "planning-zones/v2", "planning-zones-2027.geojson" },
        { "planning-zones/v1", "planning-zones-2027.geojson" },
        { "price-zones/v2", "price-zones-2026.geojson" },
        { "price-zones/v1", "price-zones-2026.geojson" },
        { "admin-units/v1", "" },
    };

    private const int MutantsPerStructure = 2500;

    [Theory]
    [MemberData(nameof(Structures))]
    public void the_samples_and_their_mutants_get_the_same_verdict_from_the_compiled_schema_and_json_schema_net(string structure, string sample)
    {
        var id = $"https://datahub.local/schemas/{structure}";
        var compiled = Compile(id);
        var reference = ExchangeSchemas.ById(id);
        var seeds = sample.Length > 0
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "submissions", sample)))!["features"]!.AsArray().Select(f => f!.DeepClone()).ToList()
            : AdminUnits();
        if (structure.EndsWith("zones/v1", StringComparison.Ordinal))
        {
            seeds.ForEach(s => s["properties"]!.AsObject().Remove("zone_code"));
        }

        var records = SchemaMutants.Of(seeds, MutantsPerStructure);
        var disagreements = new List<string>();
        var (valid, invalid) = (0, 0);
        foreach (var record in records)
        {
            using var document = JsonDocument.Parse(record);
            var expected = reference.Evaluate(document.RootElement, Flag).IsValid;
            if (compiled.IsValid(document.RootElement) != expected)
            {
                disagreements.Add($"JsonSchema.Net says {(expected ? "valid" : "invalid")}: {record}");
            }
            (valid, invalid) = expected ? (valid + 1, invalid) : (valid, invalid + 1);
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {records.Count} disagree, e.g.\n{string.Join("\n", disagreements.Take(5))}");
        Assert.True(records.Count >= 1000, $"only {records.Count} records");
        // Both verdicts occur, in numbers: the comparison can fail either way.
        Assert.True(valid >= 20 && invalid >= 20, $"{valid} valid and {invalid} invalid of {records.Count}");
    }

    private static List<JsonNode> AdminUnits() =>
    [
        JsonNode.Parse("""{"type":"Feature","id":"26500","geometry":{"type":"Polygon","coordinates":[[[546000,1256000],[547500,1256000],[547500,1257200],[546000,1256000]]]},"properties":{"code":"26500","name":"Xã Tân Lập","level":"commune","parent_code":"26","valid_from":"2025-07-01","source_document":"NQ 202/2025/QH15"}}""")!,
        JsonNode.Parse("""{"type":"Feature","id":265,"geometry":null,"properties":{"code":"265","name":"Huyện Mẫu","level":"district","parent_code":"26","valid_from":"2010-01-01","valid_to":"2025-07-01"}}""")!,
        JsonNode.Parse("""{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]},"bbox":[0,0,1,1],"properties":{"code":"26","name":"Tỉnh Mẫu","level":"province","valid_from":"2025-07-01"}}""")!,
    ];

    [Fact]
    public void a_schema_with_a_keyword_the_compiler_does_not_know_is_refused_naming_the_keyword_and_where_it_is()
    {
        using var schema = JsonDocument.Parse("""
            { "type": "object", "$defs": { "part": { "type": "object", "unevaluatedProperties": false } },
              "properties": { "a": { "$ref": "#/$defs/part" } } }
            """);

        Assert.False(CompiledSchema.TryCompile(schema.RootElement, new Dictionary<Uri, JsonElement>(), out var compiled, out var whyNot));
        Assert.Null(compiled);
        Assert.Contains("'unevaluatedProperties'", whyNot, StringComparison.Ordinal);
        Assert.Contains("#/$defs/part", whyNot, StringComparison.Ordinal);

        using var other = JsonDocument.Parse("""{ "patternProperties": { "^x": { "type": "string" } } }""");
        Assert.False(CompiledSchema.TryCompile(other.RootElement, new Dictionary<Uri, JsonElement>(), out _, out whyNot));
        Assert.Contains("'patternProperties'", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void a_reference_to_a_document_that_was_not_given_is_refused()
    {
        using var schema = JsonDocument.Parse("""{ "$ref": "https://datahub.local/schemas/common/v9/nothing#/$defs/x" }""");
        Assert.False(CompiledSchema.TryCompile(schema.RootElement, new Dictionary<Uri, JsonElement>(), out _, out var whyNot));
        Assert.Contains("common/v9/nothing", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void a_structure_the_compiler_refuses_is_checked_by_json_schema_net_alone_with_the_same_problems()
    {
        var folder = Directory.CreateTempSubdirectory("structures-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "things"));
            File.WriteAllText(Path.Combine(folder.FullName, "things", "v1.schema.json"), """
                { "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://datahub.local/schemas/things/v1",
                  "type": "object", "required": ["name"], "properties": { "name": { "type": "string", "minLength": 2 } },
                  "unevaluatedProperties": false }
                """);
            var validator = new StructureValidator(new ExchangeStructures(folder.FullName), NullLogger<StructureValidator>.Instance);

            Assert.False(validator.IsCompiled("things", "v1"));
            Assert.Empty(validator.Validate("things", "v1", JsonDocument.Parse("""{ "name": "ab" }""").RootElement));
            Assert.Contains(validator.Validate("things", "v1", JsonDocument.Parse("""{ "name": "ab", "extra": 1 }""").RootElement), p => p.Pointer == "/extra" || p.Pointer == "");
            Assert.Contains(validator.Validate("things", "v1", JsonDocument.Parse("""{ "name": "a" }""").RootElement), p => p.Pointer == "/name");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void the_published_structures_are_all_checked_by_their_compiled_form()
    {
        var validator = new StructureValidator(new ExchangeStructures(ExchangeSchemas.Folder), NullLogger<StructureValidator>.Instance);
        foreach (var dataset in ExchangeSchemas.Datasets)
        {
            Assert.True(validator.IsCompiled(dataset, "v1"), dataset);
        }
    }

    [Fact]
    public void a_recursive_reference_and_a_reference_beside_other_keywords_give_json_schema_net_s_verdict()
    {
        const string text = """
            { "$id": "https://example.test/tree", "$ref": "#/$defs/node", "required": ["name"],
              "$defs": { "node": { "type": "object",
                "properties": { "name": { "$ref": "#/$defs/name", "maxLength": 3 }, "children": { "type": "array", "items": { "$ref": "#/$defs/node" } } },
                "additionalProperties": false },
                "name": { "type": "string", "minLength": 2 } } }
            """;
        using var schema = JsonDocument.Parse(text);
        Assert.True(CompiledSchema.TryCompile(schema.RootElement, new Dictionary<Uri, JsonElement>(), out var compiled, out var whyNot), whyNot);
        var reference = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        string[] instances =
        [
            """{"name":"ab"}""", """{"name":"a"}""", """{"name":"abcd"}""", """{}""", """{"children":[]}""",
            """{"name":"ab","children":[{"name":"cd","children":[{"name":"ef"}]}]}""",
            """{"name":"ab","children":[{"name":"cd","children":[{"name":"e"}]}]}""",
            """{"name":"ab","children":[{"name":"cd","children":[{"name":"ef","x":1}]}]}""",
            """{"name":"ab","children":[{"children":[]}]}""", """{"name":"ab","name":"a"}""", """{"name":"a","name":"ab"}""",
        ];
        foreach (var instance in instances)
        {
            using var document = JsonDocument.Parse(instance);
            Assert.True(reference.Evaluate(document.RootElement, Flag).IsValid == compiled.IsValid(document.RootElement), instance);
        }
    }
}

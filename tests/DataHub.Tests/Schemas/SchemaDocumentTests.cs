using System.Text.Json;
using Json.Schema;

namespace DataHub.Tests.Schemas;

public sealed class SchemaDocumentTests
{
    public static TheoryData<string> SchemaFiles() => [.. ExchangeSchemas.Files().Select(f => Path.GetRelativePath(ExchangeSchemas.Folder, f))];

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void every_schema_file_is_a_valid_json_schema_2020_12(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExchangeSchemas.Folder, file)));
        var results = ExchangeSchemas.Evaluate(MetaSchemas.Draft202012, document.RootElement);
        Assert.True(results.IsValid, string.Join("\n", ExchangeSchemas.Errors(results)));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void every_schema_has_a_stable_id_a_title_and_descriptions_in_both_languages(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExchangeSchemas.Folder, file)));
        var root = document.RootElement;
        // parcels/v1.schema.json -> https://datahub.local/schemas/parcels/v1; common/v1/geometry.schema.json -> .../common/v1/geometry
        var expected = "https://datahub.local/schemas/" + file.Replace(Path.DirectorySeparatorChar, '/')[..^".schema.json".Length];
        Assert.Equal(expected, root.GetProperty("$id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("x-description-vi").GetString()));
    }

    [Fact]
    public void the_five_default_datasets_have_a_v1_structure_that_builds_with_its_references()
    {
        foreach (var dataset in ExchangeSchemas.Datasets)
        {
            Assert.NotNull(ExchangeSchemas.Dataset(dataset));
        }
    }

    [Fact]
    public void every_property_of_every_dataset_is_described_in_english_and_vietnamese()
    {
        foreach (var dataset in ExchangeSchemas.Datasets)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExchangeSchemas.Folder, dataset, "v1.schema.json")));
            var root = document.RootElement;
            var properties = root.GetProperty("properties").GetProperty("properties");
            if (properties.TryGetProperty("$ref", out var reference))
            {
                properties = root.GetProperty("$defs").GetProperty(reference.GetString()!["#/$defs/".Length..]);
            }
            Assert.False(properties.GetProperty("additionalProperties").GetBoolean(), dataset);
            foreach (var property in properties.GetProperty("properties").EnumerateObject())
            {
                Assert.True(property.Value.TryGetProperty("description", out _), $"{dataset}.{property.Name} has no description");
                Assert.True(property.Value.TryGetProperty("x-description-vi", out _), $"{dataset}.{property.Name} has no x-description-vi");
            }
        }
    }
}

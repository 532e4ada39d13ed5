using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Schemas;

public sealed class SubmissionValidationTests
{
    private static readonly string SamplePath = Path.Combine(RepoPaths.Root, "samples", "submissions", "parcels-small.geojson");

    [Fact]
    public void every_feature_of_the_sample_parcels_submission_conforms_to_the_parcels_schema()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SamplePath));
        var collection = document.RootElement;
        Assert.Equal("FeatureCollection", collection.GetProperty("type").GetString());
        Assert.Equal("urn:ogc:def:crs:EPSG::9212", collection.GetProperty("crs").GetProperty("properties").GetProperty("name").GetString());
        var features = collection.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(3, features.Count);
        foreach (var feature in features)
        {
            var results = ExchangeSchemas.Evaluate(ExchangeSchemas.Dataset("parcels"), feature);
            Assert.True(results.IsValid, $"{feature.GetProperty("id")}: {string.Join("\n", ExchangeSchemas.Errors(results))}");
        }
    }

    [Fact]
    public void a_parcel_without_its_registration_date_fails_at_its_properties()
    {
        var feature = SampleParcel();
        feature["properties"]!.AsObject().Remove("registered_on");
        AssertFailsAt(feature, "/properties", "required");
    }

    [Fact]
    public void a_map_sheet_given_as_text_fails_at_the_map_sheet()
    {
        var feature = SampleParcel();
        feature["properties"]!["map_sheet"] = "12";
        AssertFailsAt(feature, "/properties/map_sheet", "type");
    }

    [Fact]
    public void a_property_outside_the_structure_fails_at_that_property()
    {
        var feature = SampleParcel();
        feature["properties"]!["owner_name"] = "Nguyễn Văn A";
        AssertFailsAt(feature, "/properties/owner_name", null);
    }

    [Fact]
    public void a_commune_code_of_four_digits_fails_its_pattern()
    {
        var feature = SampleParcel();
        feature["properties"]!["commune_code"] = "2509";
        AssertFailsAt(feature, "/properties/commune_code", "pattern");
    }

    [Fact]
    public void a_lower_case_purpose_code_fails_at_the_land_use()
    {
        var feature = SampleParcel();
        feature["properties"]!["land_uses"]![0]!["purpose_code"] = "ont";
        AssertFailsAt(feature, "/properties/land_uses/0/purpose_code", "pattern");
    }

    [Fact]
    public void a_parcel_number_of_zero_fails_its_minimum()
    {
        var feature = SampleParcel();
        feature["properties"]!["parcel_no"] = 0;
        AssertFailsAt(feature, "/properties/parcel_no", "minimum");
    }

    [Fact]
    public void an_impossible_registration_date_fails_its_format()
    {
        var feature = SampleParcel();
        feature["properties"]!["registered_on"] = "2024-02-30";
        AssertFailsAt(feature, "/properties/registered_on", "format");
    }

    [Fact]
    public void a_land_use_with_a_term_needs_its_end_date()
    {
        var feature = SampleParcel();
        feature["properties"]!["land_uses"]![0]!["long_term"] = false;
        AssertFailsAt(feature, "/properties/land_uses/0", "required");
    }

    [Fact]
    public void a_parcel_needs_exactly_one_main_purpose()
    {
        var feature = SampleParcel();
        feature["properties"]!["land_uses"]![0]!["is_main"] = false;
        AssertFailsAt(feature, "/properties/land_uses", "contains");
    }

    [Fact]
    public void a_parcel_with_a_line_for_a_boundary_fails_at_its_geometry()
    {
        var feature = SampleParcel();
        feature["geometry"] = JsonNode.Parse("""{"type":"LineString","coordinates":[[590000,1300000],[590020,1300000]]}""");
        AssertFailsAt(feature, "/geometry", null);
    }

    [Fact]
    public void a_current_parcel_without_geometry_fails_but_a_retired_one_needs_only_its_key()
    {
        var current = SampleParcel();
        current["geometry"] = null;
        AssertFailsAt(current, "/geometry", "type");

        var retired = JsonNode.Parse("""
            {"type":"Feature","geometry":null,"properties":{"commune_code":"25090","map_sheet":12,"parcel_no":101,"retired":true}}
            """)!;
        var results = ExchangeSchemas.Evaluate(ExchangeSchemas.Dataset("parcels"), retired.ToJsonString());
        Assert.True(results.IsValid, string.Join("\n", ExchangeSchemas.Errors(results)));
    }

    [Fact]
    public void a_statistics_figure_has_no_geometry_and_an_admin_unit_code_matches_its_level()
    {
        var figure = """
            {"type":"Feature","geometry":null,"properties":{"unit_code":"25090","purpose_code":"CLN","user_type_code":"CNV","year":2024,"area_m2":1250.5,"source":"inventory-2024"}}
            """;
        Assert.True(ExchangeSchemas.Evaluate(ExchangeSchemas.Dataset("land-statistics"), figure).IsValid);

        var unit = JsonNode.Parse("""
            {"type":"Feature","geometry":null,"properties":{"code":"25090","name":"Xã Tân Lập","level":"commune","parent_code":"689","valid_from":"1997-01-01","valid_to":"2025-07-01"}}
            """)!;
        Assert.True(ExchangeSchemas.Evaluate(ExchangeSchemas.Dataset("admin-units"), unit.ToJsonString()).IsValid);
        unit["properties"]!["code"] = "689";
        AssertFailsAt(unit, "/properties/code", "pattern", "admin-units");
    }

    private static JsonNode SampleParcel() =>
        JsonNode.Parse(File.ReadAllText(SamplePath))!["features"]![0]!.DeepClone();

    private static void AssertFailsAt(JsonNode feature, string pointer, string? keyword, string dataset = "parcels")
    {
        var results = ExchangeSchemas.Evaluate(ExchangeSchemas.Dataset(dataset), feature.ToJsonString());
        var errors = ExchangeSchemas.Errors(results);
        Assert.False(results.IsValid);
        Assert.True(errors.Any(e => e.Pointer == pointer && (keyword is null || e.Keyword == keyword)),
            $"expected a {keyword ?? "any"} error at {pointer}; got:\n{string.Join("\n", errors)}");
    }
}

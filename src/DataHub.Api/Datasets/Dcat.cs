using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataHub.Api.Datasets;

/// <summary>The catalogue as DCAT (W3C Data Catalog Vocabulary, version 3) in JSON-LD.</summary>
public static class Dcat
{
    private static readonly JsonObject Context = new()
    {
        ["dcat"] = "http://www.w3.org/ns/dcat#",
        ["dct"] = "http://purl.org/dc/terms/",
        ["foaf"] = "http://xmlns.com/foaf/0.1/",
        ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
        ["locn"] = "http://www.w3.org/ns/locn#",
    };

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Catalog(string self, IReadOnlyList<DatasetEntry> entries, string root)
    {
        var catalog = new JsonObject
        {
            ["@context"] = Context.DeepClone(),
            ["@id"] = self,
            ["@type"] = "dcat:Catalog",
            ["dct:title"] = Texts(new Localized("Danh mục dữ liệu đất đai", "Land data catalogue")),
            ["dct:publisher"] = Publisher(entries.Count > 0 ? entries[0].Publisher : ""),
            ["dcat:dataset"] = new JsonArray([.. entries.Select(e => (JsonNode)DatasetNode(e, root))]),
        };
        return catalog.ToJsonString(Options);
    }

    public static string Dataset(DatasetEntry entry, string root)
    {
        var node = DatasetNode(entry, root);
        node["@context"] = Context.DeepClone();
        return node.ToJsonString(Options);
    }

    private static JsonObject DatasetNode(DatasetEntry e, string root)
    {
        var node = new JsonObject
        {
            ["@id"] = $"{root}/api/v1/datasets/{e.Id}",
            ["@type"] = "dcat:Dataset",
            ["dct:identifier"] = e.Id,
            ["dct:title"] = Texts(e.Title),
            ["dct:description"] = Texts(e.Description),
            ["dct:publisher"] = Publisher(e.Publisher),
            ["dct:accrualPeriodicity"] = new JsonObject { ["@id"] = $"http://purl.org/cld/freq/{e.UpdateFrequency}" },
            ["dct:modified"] = Typed(e.LastUpdated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), "xsd:dateTime"),
            ["dct:rights"] = e.TermsOfUse,
            ["dct:accessRights"] = e.SharingMode == "default" ? "public (default sharing among agencies)" : "restricted (special-request sharing)",
            ["dcat:keyword"] = new JsonArray([.. e.Keywords.Select(k => (JsonNode)k)]),
        };
        if (e.ExchangeStructure is { } schema)
        {
            node["dct:conformsTo"] = new JsonObject { ["@id"] = schema };
        }
        if (e.Extent?.Spatial is { } spatial)
        {
            var b = spatial.Bbox[0];
            node["dct:spatial"] = new JsonObject
            {
                ["@type"] = "dct:Location",
                ["dcat:bbox"] = Typed(FormattableString.Invariant(
                    $"POLYGON(({b[0]} {b[1]},{b[2]} {b[1]},{b[2]} {b[3]},{b[0]} {b[3]},{b[0]} {b[1]}))"), "http://www.opengis.net/ont/geosparql#wktLiteral"),
            };
        }
        if (e.Extent?.Temporal is { } temporal)
        {
            node["dct:temporal"] = new JsonObject
            {
                ["@type"] = "dct:PeriodOfTime",
                ["dcat:startDate"] = temporal.Interval[0][0],
                ["dcat:endDate"] = temporal.Interval[0][1],
            };
        }
        var distributions = e.Links.Where(l => l.Rel == "items").Select(l => (JsonNode)new JsonObject
        {
            ["@type"] = "dcat:Distribution",
            ["dcat:accessURL"] = new JsonObject { ["@id"] = l.Href },
            ["dcat:mediaType"] = l.Type,
            ["dct:title"] = l.Title,
        }).ToArray();
        if (distributions.Length > 0)
        {
            node["dcat:distribution"] = new JsonArray(distributions);
        }
        return node;
    }

    private static JsonArray Texts(Localized text) =>
    [
        new JsonObject { ["@value"] = text.Vi, ["@language"] = "vi" },
        new JsonObject { ["@value"] = text.En, ["@language"] = "en" },
    ];

    private static JsonObject Typed(string value, string type) => new() { ["@value"] = value, ["@type"] = type };

    private static JsonObject Publisher(string name) => new() { ["@type"] = "foaf:Organization", ["foaf:name"] = name };
}

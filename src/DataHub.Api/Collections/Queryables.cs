namespace DataHub.Api.Collections;

/// <summary>JSON Schema of one queryable property (OGC API - Features Part 3).</summary>
public static class Queryables
{
    public static Dictionary<string, object> Schema(DatasetField f)
    {
        var schema = f.Type switch
        {
            "integer" => new Dictionary<string, object> { ["type"] = "integer" },
            "number" => new Dictionary<string, object> { ["type"] = "number" },
            "boolean" => new Dictionary<string, object> { ["type"] = "boolean" },
            "date" => new Dictionary<string, object> { ["type"] = "string", ["format"] = "date" },
            "timestamp" => new Dictionary<string, object> { ["type"] = "string", ["format"] = "date-time" },
            "geometry" => new Dictionary<string, object> { ["format"] = "geometry-any" },
            "string-array" => new Dictionary<string, object> { ["type"] = "array", ["items"] = new Dictionary<string, object> { ["type"] = "string" } },
            _ => new Dictionary<string, object> { ["type"] = "string" },
        };
        schema["title"] = f.TitleEn;
        schema["description"] = f.TitleVi;
        if (f.CodeList is { } list)
        {
            schema["x-code-list"] = list;
        }
        return schema;
    }
}

using System.Text.Json;

namespace DataHub.Api.Schemas;

/// <summary>
/// Turns the keywords of one schema document (and the documents it refers to) into
/// <see cref="Check"/>s. Every subschema is compiled once, keyed by its document and JSON pointer,
/// so a $ref to a compiled subschema costs nothing and a recursive one goes through a slot filled
/// when its subschema is done.
/// </summary>
internal sealed class SchemaCompiler
{
    private const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    // A document without $id still needs a base for its "#/$defs/..." references.
    private static readonly Uri Anonymous = new("https://compiled.invalid/schema");

    // Keywords that only annotate: they never change a verdict.
    private static readonly HashSet<string> Annotations =
        ["$comment", "title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly"];

    private readonly Dictionary<Uri, JsonElement> documents;
    private readonly Dictionary<string, Slot> compiled = new(StringComparer.Ordinal);

    private sealed class Slot
    {
        public Check? Check;
    }

    public SchemaCompiler(IReadOnlyDictionary<Uri, JsonElement> documentsById)
    {
        documents = documentsById.ToDictionary(d => WithoutFragment(d.Key), d => d.Value);
    }

    public Check CompileDocument(JsonElement root)
    {
        var id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("$id", out var value) && value.ValueKind == JsonValueKind.String
            ? new Uri(value.GetString()!, UriKind.Absolute)
            : Anonymous;
        documents[WithoutFragment(id)] = root;
        return CompileAt(WithoutFragment(id), root, "");
    }

    private Check CompileAt(Uri document, JsonElement schema, string pointer)
    {
        var key = document.AbsoluteUri + "#" + pointer;
        if (compiled.TryGetValue(key, out var slot))
        {
            // Null while that subschema is still being compiled: a recursive reference, resolved when it is run.
            return slot.Check ?? (instance => slot.Check!(instance));
        }
        slot = new Slot();
        compiled[key] = slot;
        slot.Check = Compile(document, schema, pointer);
        return slot.Check;
    }

    private Check Compile(Uri document, JsonElement schema, string pointer)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return Keywords.Always;
            case JsonValueKind.False:
                return Keywords.Never;
            case JsonValueKind.Object:
                break;
            default:
                throw Refuse($"a schema must be an object or a boolean, found {schema.ValueKind}", document, pointer);
        }

        JsonElement? Get(string name) => schema.TryGetProperty(name, out var value) ? value : null;
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Known.Contains(keyword.Name) && !Annotations.Contains(keyword.Name) && !keyword.Name.StartsWith("x-", StringComparison.Ordinal))
            {
                throw Refuse($"unsupported keyword '{keyword.Name}'", document, pointer);
            }
        }
        if (Get("$schema") is { } dialect && dialect.GetString() != Dialect)
        {
            throw Refuse($"unsupported dialect '{dialect}'", document, pointer);
        }
        if (Get("$id") is not null && pointer.Length > 0)
        {
            // A nested $id would change the base of the references below it.
            throw Refuse("unsupported keyword '$id' inside a document", document, pointer);
        }
        if (Get("$defs") is { } defs)
        {
            // Compiled even when nothing refers to them, so that every keyword of the file is vetted.
            foreach (var def in defs.EnumerateObject())
            {
                CompileAt(document, def.Value, $"{pointer}/$defs/{Escape(def.Name)}");
            }
        }

        var checks = new List<Check>();
        if (Get("type") is { } type)
        {
            checks.Add(Keywords.Type(type));
        }
        if (Get("const") is { } constant)
        {
            checks.Add(Keywords.Const(constant));
        }
        if (Get("enum") is { } values)
        {
            checks.Add(Keywords.Enum(values));
        }
        if (Keywords.Numbers(schema) is { } numbers)
        {
            checks.Add(numbers);
        }
        if (Keywords.Strings(schema) is { } strings)
        {
            checks.Add(strings);
        }
        if (Get("format") is { } format && format.GetString() != "date")
        {
            checks.Add(Keywords.OtherFormat(format.GetString()!) ?? throw Refuse($"unknown format '{format.GetString()}'", document, pointer));
        }
        if (ObjectKeywords.From(schema, name => Sub(document, schema, pointer, "properties", name),
                Get("additionalProperties") is not null ? Sub(document, schema, pointer, "additionalProperties") : null) is { } objects)
        {
            checks.Add(objects.IsValid);
        }
        if (ArrayKeywords.From(schema,
                Get("items") is not null ? Sub(document, schema, pointer, "items") : null,
                Get("contains") is not null ? Sub(document, schema, pointer, "contains") : null) is { } arrays)
        {
            checks.Add(arrays.IsValid);
        }
        if (Get("$ref") is { } reference)
        {
            checks.Add(Reference(document, reference.GetString()!, pointer));
        }
        if (Get("allOf") is not null)
        {
            checks.Add(Keywords.AllOf(Subs(document, schema, pointer, "allOf")));
        }
        if (Get("anyOf") is not null)
        {
            checks.Add(Keywords.AnyOf(Subs(document, schema, pointer, "anyOf")));
        }
        if (Get("oneOf") is not null)
        {
            checks.Add(Keywords.OneOf(Subs(document, schema, pointer, "oneOf")));
        }
        if (Get("not") is not null)
        {
            var not = Sub(document, schema, pointer, "not");
            checks.Add(instance => !not(instance));
        }
        if (Get("if") is not null)
        {
            // Without "if", "then" and "else" say nothing (JsonSchema.Net ignores them too).
            checks.Add(Keywords.IfThenElse(Sub(document, schema, pointer, "if"),
                Get("then") is not null ? Sub(document, schema, pointer, "then") : null,
                Get("else") is not null ? Sub(document, schema, pointer, "else") : null));
        }
        return Keywords.AllOf([.. checks]);
    }

    // Keywords with a meaning for the verdict (or, like $defs, compiled for their subschemas).
    private static readonly HashSet<string> Known =
    [
        "$schema", "$id", "$defs", "$ref", "type", "const", "enum", "required", "properties", "additionalProperties",
        "dependentRequired", "items", "minItems", "maxItems", "contains", "minContains", "maxContains",
        "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ];

    private Check Sub(Uri document, JsonElement schema, string pointer, string keyword, string? name = null)
    {
        var value = schema.GetProperty(keyword);
        return name is null
            ? CompileAt(document, value, $"{pointer}/{keyword}")
            : CompileAt(document, value.GetProperty(name), $"{pointer}/{keyword}/{Escape(name)}");
    }

    private Check[] Subs(Uri document, JsonElement schema, string pointer, string keyword)
    {
        var values = schema.GetProperty(keyword);
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
        {
            throw Refuse($"'{keyword}' must be a non-empty array", document, pointer);
        }
        return [.. values.EnumerateArray().Select((value, i) => CompileAt(document, value, $"{pointer}/{keyword}/{i}"))];
    }

    /// <summary>A $ref: a JSON pointer fragment into this document or, by absolute $id, another one.</summary>
    private Check Reference(Uri document, string reference, string pointer)
    {
        var target = new Uri(document, reference);
        var targetDocument = WithoutFragment(target);
        var fragment = Uri.UnescapeDataString(target.Fragment.TrimStart('#'));
        if (fragment.Length > 0 && fragment[0] != '/')
        {
            throw Refuse($"unsupported $ref '{reference}' (an anchor, not a JSON pointer)", document, pointer);
        }
        if (!documents.TryGetValue(targetDocument, out var node))
        {
            throw Refuse($"$ref '{reference}' names a document that was not given", document, pointer);
        }
        foreach (var segment in fragment.Split('/').Skip(1))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(name, out var child))
            {
                node = child;
            }
            else if (node.ValueKind == JsonValueKind.Array && int.TryParse(name, out var index) && index >= 0 && index < node.GetArrayLength())
            {
                node = node[index];
            }
            else
            {
                throw Refuse($"$ref '{reference}' points at nothing", document, pointer);
            }
        }
        return CompileAt(targetDocument, node, fragment);
    }

    private static Uri WithoutFragment(Uri uri) => new(uri.GetLeftPart(UriPartial.Query));

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static NotCompilableException Refuse(string why, Uri document, string pointer) =>
        new($"{why} at {(document == Anonymous ? "" : document.AbsoluteUri)}#{pointer}");
}

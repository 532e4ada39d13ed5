using DataHub.Api.Infrastructure.Api;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace DataHub.Api.Schemas;

/// <summary>
/// The keywords of <see cref="SchemaCompiler"/> with no subschema of their own, each written to
/// decide exactly as JsonSchema.Net 8 does (its rules are quoted where they surprise).
/// </summary>
internal static class Keywords
{
    public static readonly Check Always = _ => true;
    public static readonly Check Never = _ => false;

    [Flags]
    private enum Types { Null = 1, Boolean = 2, Object = 4, Array = 8, Number = 16, Integer = 32, String = 64 }

    public static Check Type(JsonElement value)
    {
        var allowed = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Aggregate((Types)0, (all, t) => all | TypeNamed(t.GetString()))
            : TypeNamed(value.GetString());
        return instance => instance.ValueKind switch
        {
            JsonValueKind.Object => (allowed & Types.Object) != 0,
            JsonValueKind.Array => (allowed & Types.Array) != 0,
            JsonValueKind.String => (allowed & Types.String) != 0,
            JsonValueKind.True or JsonValueKind.False => (allowed & Types.Boolean) != 0,
            JsonValueKind.Null => (allowed & Types.Null) != 0,
            JsonValueKind.Number => (allowed & Types.Number) != 0 || ((allowed & Types.Integer) != 0 && IsInteger(instance)),
            _ => false,
        };
    }

    private static Types TypeNamed(string? name) => name switch
    {
        "null" => Types.Null,
        "boolean" => Types.Boolean,
        "object" => Types.Object,
        "array" => Types.Array,
        "number" => Types.Number,
        "integer" => Types.Integer,
        "string" => Types.String,
        _ => throw new ArgumentException($"'{name}' is not a JSON Schema type"),
    };

    // JsonSchema.Net: an integer is what fits an Int64, or any finite number without a fraction (1.0, 1e2).
    private static bool IsInteger(JsonElement number) =>
        number.TryGetInt64(out _) || (number.TryGetDouble(out var value) && value == Math.Truncate(value));

    public static Check Const(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString();
                return instance => instance.ValueKind == JsonValueKind.String && instance.ValueEquals(text);
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                var kind = value.ValueKind;
                return instance => instance.ValueKind == kind;
            default:
                // Numbers by value (1 equals 1.0), objects and arrays deeply: JsonSchema.Net's own equality.
                var constant = value.Clone();
                return instance => Json.More.JsonElementExtensions.IsEquivalentTo(constant, instance);
        }
    }

    public static Check Enum(JsonElement values) => AnyOf([.. values.EnumerateArray().Select(Const)]);

    public static Check AllOf(Check[] checks) => checks.Length switch
    {
        0 => Always,
        1 => checks[0],
        _ => instance =>
        {
            foreach (var check in checks)
            {
                if (!check(instance))
                {
                    return false;
                }
            }
            return true;
        },
    };

    public static Check AnyOf(Check[] checks) => checks.Length == 1 ? checks[0] : instance =>
    {
        foreach (var check in checks)
        {
            if (check(instance))
            {
                return true;
            }
        }
        return false;
    };

    public static Check OneOf(Check[] checks) => instance =>
    {
        var passed = 0;
        foreach (var check in checks)
        {
            if (check(instance) && ++passed > 1)
            {
                return false;
            }
        }
        return passed == 1;
    };

    public static Check IfThenElse(Check condition, Check? then, Check? otherwise) =>
        instance => condition(instance) ? then is null || then(instance) : otherwise is null || otherwise(instance);

    /// <summary>minimum, maximum, exclusiveMinimum, exclusiveMaximum and multipleOf of one schema, or null.</summary>
    public static Check? Numbers(JsonElement schema)
    {
        var bounds = new List<(JsonElement Limit, double Approximate, Func<int, bool> Accepts)>();
        void Bound(string keyword, Func<int, bool> accepts)
        {
            if (schema.TryGetProperty(keyword, out var limit))
            {
                if (limit.ValueKind != JsonValueKind.Number)
                {
                    throw new ArgumentException($"'{keyword}' must be a number");
                }
                bounds.Add((limit.Clone(), limit.TryGetDouble(out var d) ? d : double.NaN, accepts));
            }
        }
        Bound("minimum", c => c >= 0);
        Bound("maximum", c => c <= 0);
        Bound("exclusiveMinimum", c => c > 0);
        Bound("exclusiveMaximum", c => c < 0);
        Check? multipleOf = null;
        if (schema.TryGetProperty("multipleOf", out var divisor))
        {
            var d = divisor.Clone();
            multipleOf = instance => JsonMath.Divides(instance, d);
        }
        if (bounds.Count == 0 && multipleOf is null)
        {
            return null;
        }
        var all = bounds.ToArray();
        return instance =>
        {
            if (instance.ValueKind != JsonValueKind.Number)
            {
                return true;
            }
            foreach (var (limit, approximate, accepts) in all)
            {
                if (!accepts(Compare(instance, limit, approximate)))
                {
                    return false;
                }
            }
            return multipleOf is null || multipleOf(instance);
        };
    }

    /// <summary>
    /// JsonSchema.Net compares the decimal texts exactly (JsonMath.NumberCompare), which allocates.
    /// Parsing to double rounds to nearest and so never reverses an order: when the doubles differ,
    /// the texts differ the same way; only equal (or unparsable) doubles need the exact comparison.
    /// </summary>
    private static int Compare(JsonElement instance, JsonElement limit, double approximate) =>
        instance.TryGetDouble(out var value) && double.IsFinite(approximate) && value != approximate
            ? value.CompareTo(approximate)
            : JsonMath.NumberCompare(instance, limit);

    /// <summary>A keyword whose value is a count (minLength, maxItems, minContains, ...), or null when absent.</summary>
    public static long? Count(JsonElement schema, string keyword)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        var count = value.GetDouble();
        return count == Math.Truncate(count) && count >= 0 ? (long)count : throw new ArgumentException($"'{keyword}' must be a non-negative integer");
    }

    /// <summary>minLength, maxLength, pattern and format "date" of one schema, or null.</summary>
    public static Check? Strings(JsonElement schema)
    {
        var minLength = Count(schema, "minLength");
        var maxLength = Count(schema, "maxLength");
        // As JsonSchema.Net builds it: ECMAScript, so that \d is [0-9] (not Arabic-Indic digits); $ still matches before a final \n.
        var pattern = schema.TryGetProperty("pattern", out var p) ? new Regex(p.GetString()!, RegexOptions.ECMAScript | RegexOptions.Compiled) : null;
        var date = schema.TryGetProperty("format", out var f) && f.GetString() == "date";
        return minLength is null && maxLength is null && pattern is null && !date ? null : new StringKeywords(minLength, maxLength, pattern, date).IsValid;
    }

    /// <summary>A format other than "date", checked by JsonSchema.Net's own code for it; null when it does not know it.</summary>
    public static Check? OtherFormat(string name)
    {
        var format = FormatRegistry.Global.Get(name);
        return format is UnknownFormat ? null : instance => format.Validate(instance, out _);
    }

    private sealed class StringKeywords(long? minLength, long? maxLength, Regex? pattern, bool date)
    {
        private const int OnStack = 128;

        public bool IsValid(JsonElement instance)
        {
            if (instance.ValueKind != JsonValueKind.String)
            {
                return true;
            }
            // The raw UTF-8 (between the quotes) decodes to the value when nothing is escaped: no string allocated.
            var raw = JsonMarshal.GetRawUtf8Value(instance);
            raw = raw[1..^1];
            Span<char> buffer = stackalloc char[OnStack];
            return raw.Length <= OnStack && raw.IndexOf((byte)'\\') < 0
                ? IsValid(buffer[..Encoding.UTF8.GetChars(raw, buffer)])
                : IsValid(instance.GetString());
        }

        private bool IsValid(ReadOnlySpan<char> text)
        {
            // JsonSchema.Net counts text elements (grapheme clusters), never more than UTF-16 units.
            if (minLength is { } min && (text.Length < min || TextElements(text) < min))
            {
                return false;
            }
            if (maxLength is { } max && text.Length > max && TextElements(text) > max)
            {
                return false;
            }
            if (date && !IsDate(text))
            {
                return false;
            }
            return pattern is null || pattern.IsMatch(text);
        }

        private static int TextElements(ReadOnlySpan<char> text)
        {
            // In ASCII every character is a text element of its own, except CR LF.
            if (Ascii.IsValid(text) && text.IndexOf('\r') < 0)
            {
                return text.Length;
            }
            var count = 0;
            while (!text.IsEmpty)
            {
                text = text[StringInfo.GetNextTextElementLength(text)..];
                count++;
            }
            return count;
        }

        // JsonSchema.Net: DateTime.TryParseExact(value.ToUpperInvariant(), "yyyy-MM-dd", invariant culture,
        // no styles). Upper case changes no digit or hyphen, so IsoDate reads the same dates.
        private static bool IsDate(ReadOnlySpan<char> text) => IsoDate.TryParse(text, out _);
    }
}

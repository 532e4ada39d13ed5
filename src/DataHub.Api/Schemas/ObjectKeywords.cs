using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DataHub.Api.Schemas;

/// <summary>
/// properties, additionalProperties, required and dependentRequired of one schema, checked in one
/// pass over the instance's members: each member's name is found among the names these keywords
/// mention by comparing raw UTF-8, and a bit per name records which were present. A name that
/// occurs twice, or a declared member that fails, is evaluated again the way JsonSchema.Net looks
/// members up (the first of a name), so that the verdict stays the same for such odd input.
/// </summary>
internal sealed class ObjectKeywords
{
    private readonly string[] names;
    private readonly byte[][] utf8Names;
    private readonly Check?[] declared;        // by name index: the "properties" subschema, null when not declared
    private readonly bool[] isDeclared;
    private readonly Check? additional;
    private readonly int[] required;
    private readonly (int Name, int[] Needs)[] dependents;
    private readonly ulong requiredMask;
    private readonly (ulong Name, ulong Needs)[] dependentMasks;
    private readonly bool fits;                // 64 names or fewer: one bit each

    private ObjectKeywords(List<string> names, Dictionary<string, Check> properties, Check? additional,
        List<string> required, List<(string Name, List<string> Needs)> dependents)
    {
        this.names = [.. names];
        utf8Names = [.. names.Select(n => Encoding.UTF8.GetBytes(n))];
        declared = [.. names.Select(n => properties.GetValueOrDefault(n))];
        isDeclared = [.. names.Select(properties.ContainsKey)];
        this.additional = additional;
        this.required = [.. required.Select(n => names.IndexOf(n))];
        this.dependents = [.. dependents.Select(d => (names.IndexOf(d.Name), d.Needs.Select(n => names.IndexOf(n)).ToArray()))];
        fits = names.Count <= 64;
        if (fits)
        {
            requiredMask = Mask(this.required);
            dependentMasks = [.. this.dependents.Select(d => (1UL << d.Name, Mask(d.Needs)))];
        }
        else
        {
            dependentMasks = [];
        }
    }

    private static ulong Mask(IEnumerable<int> indexes) => indexes.Aggregate(0UL, (mask, i) => mask | (1UL << i));

    public static ObjectKeywords? From(JsonElement schema, Func<string, Check> property, Check? additional)
    {
        var names = new List<string>();
        void Add(string name)
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }
        var properties = new Dictionary<string, Check>(StringComparer.Ordinal);
        if (schema.TryGetProperty("properties", out var declared))
        {
            foreach (var p in declared.EnumerateObject())
            {
                Add(p.Name);
                properties[p.Name] = property(p.Name);
            }
        }
        var required = new List<string>();
        if (schema.TryGetProperty("required", out var r))
        {
            foreach (var name in r.EnumerateArray().Select(n => n.GetString()!))
            {
                Add(name);
                required.Add(name);
            }
        }
        var dependents = new List<(string, List<string>)>();
        if (schema.TryGetProperty("dependentRequired", out var d))
        {
            foreach (var dependent in d.EnumerateObject())
            {
                Add(dependent.Name);
                var needs = dependent.Value.EnumerateArray().Select(n => n.GetString()!).ToList();
                needs.ForEach(Add);
                dependents.Add((dependent.Name, needs));
            }
        }
        return names.Count == 0 && additional is null ? null : new ObjectKeywords(names, properties, additional, required, dependents);
    }

    public bool IsValid(JsonElement instance)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }
        if (!fits)
        {
            return ByLookup(instance);
        }
        var present = 0UL;
        foreach (var member in instance.EnumerateObject())
        {
            var index = IndexOf(member);
            if (index >= 0)
            {
                var bit = 1UL << index;
                if ((present & bit) != 0)
                {
                    return ByLookup(instance);
                }
                present |= bit;
                if (isDeclared[index])
                {
                    if (declared[index] is { } check && !check(member.Value))
                    {
                        // A later member of the same name would be the one not looked at.
                        return ByLookup(instance);
                    }
                    continue;
                }
            }
            if (additional is not null && !additional(member.Value))
            {
                return false;
            }
        }
        if ((present & requiredMask) != requiredMask)
        {
            return false;
        }
        foreach (var (name, needs) in dependentMasks)
        {
            if ((present & name) != 0 && (present & needs) != needs)
            {
                return false;
            }
        }
        return true;
    }

    private int IndexOf(JsonProperty member)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            return Array.IndexOf(names, member.Name);
        }
        for (var i = 0; i < utf8Names.Length; i++)
        {
            if (raw.SequenceEqual(utf8Names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The keywords as JsonSchema.Net evaluates them: a declared name's first member, every other member.</summary>
    private bool ByLookup(JsonElement instance)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (declared[i] is { } check && First(instance, names[i]) is { } value && !check(value))
            {
                return false;
            }
        }
        if (additional is not null)
        {
            foreach (var member in instance.EnumerateObject())
            {
                var index = Array.IndexOf(names, member.Name);
                if ((index < 0 || !isDeclared[index]) && !additional(member.Value))
                {
                    return false;
                }
            }
        }
        if (required.Any(i => First(instance, names[i]) is null))
        {
            return false;
        }
        return dependents.All(d => First(instance, names[d.Name]) is null || d.Needs.All(n => First(instance, names[n]) is not null));
    }

    private static JsonElement? First(JsonElement instance, string name)
    {
        foreach (var member in instance.EnumerateObject())
        {
            if (member.NameEquals(name))
            {
                return member.Value;
            }
        }
        return null;
    }
}

/// <summary>items, minItems, maxItems and contains (with minContains, maxContains) of one schema.</summary>
internal sealed class ArrayKeywords
{
    private readonly long minItems;
    private readonly long maxItems;
    private readonly Check? items;
    private readonly Check? contains;
    private readonly int minContains;
    private readonly int? maxContains;

    private ArrayKeywords(long minItems, long maxItems, Check? items, Check? contains, int minContains, int? maxContains)
    {
        this.minItems = minItems;
        this.maxItems = maxItems;
        this.items = items;
        this.contains = contains;
        this.minContains = minContains;
        this.maxContains = maxContains;
    }

    public static ArrayKeywords? From(JsonElement schema, Check? items, Check? contains)
    {
        var minItems = Keywords.Count(schema, "minItems");
        var maxItems = Keywords.Count(schema, "maxItems");
        // As JsonSchema.Net reads them: minContains 1 unless given, both only with contains.
        var minContains = (int?)Keywords.Count(schema, "minContains") ?? 1;
        var maxContains = (int?)Keywords.Count(schema, "maxContains");
        return minItems is null && maxItems is null && items is null && contains is null
            ? null
            : new ArrayKeywords(minItems ?? 0, maxItems ?? long.MaxValue, items, contains, minContains, maxContains);
    }

    public bool IsValid(JsonElement instance)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }
        var length = instance.GetArrayLength();
        if (length < minItems || length > maxItems)
        {
            return false;
        }
        if (items is not null)
        {
            foreach (var item in instance.EnumerateArray())
            {
                if (!items(item))
                {
                    return false;
                }
            }
        }
        if (contains is not null)
        {
            var count = 0;
            foreach (var item in instance.EnumerateArray())
            {
                if (contains(item))
                {
                    count++;
                }
            }
            return count >= minContains && (maxContains is not { } max || count <= max);
        }
        return true;
    }
}

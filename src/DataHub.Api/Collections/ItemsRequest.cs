using System.Globalization;
using DataHub.Api.Infrastructure.Api;
using Microsoft.Extensions.Primitives;

namespace DataHub.Api.Collections;

public sealed record SortKey(DatasetField Field, bool Descending);

public sealed record PropertyEquals(DatasetField Field, object Value);

/// <summary>An interval of time, ends inclusive; null = open.</summary>
public sealed record TimeInterval(DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>A validated items query: everything the SQL needs, nothing unchecked.</summary>
public sealed record ItemsRequest(
    int Limit, long Offset, double[]? Bbox, Crs BboxCrs, TimeInterval? Datetime, Crs Crs,
    string? Filter, Crs FilterCrs, IReadOnlyList<SortKey> SortBy, IReadOnlyList<PropertyEquals> EqualTo, string Format)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 10_000;

    private static readonly HashSet<string> Standard =
        ["limit", "offset", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang", "filter-crs", "sortby", "f"];

    /// <summary>
    /// Reads the query string against the collection's visible fields. Problems are collected per
    /// parameter so that one answer lists everything wrong with the request.
    /// </summary>
    public static (ItemsRequest? Request, Dictionary<string, string[]> Errors) Parse(
        IQueryCollection query, Dataset dataset, IReadOnlyList<DatasetField> visible, bool oneFeature = false)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string parameter, string message) => errors[parameter] = [.. errors.GetValueOrDefault(parameter) ?? [], message];
        string? One(string name)
        {
            if (!query.TryGetValue(name, out var values))
            {
                return null;
            }
            if (values.Count > 1)
            {
                Fail(name, $"'{name}' may be given once.");
            }
            return values[0];
        }

        var queryables = visible.Where(f => f.Queryable && !f.IsGeometry).ToDictionary(f => f.Name);
        foreach (var name in query.Keys)
        {
            if (!Standard.Contains(name) && !queryables.ContainsKey(name))
            {
                Fail(name, $"Unknown parameter '{name}'. Parameters: {string.Join(", ", Standard)}, or a queryable property of '{dataset.Id}' ({string.Join(", ", queryables.Keys)}).");
            }
        }

        var format = (One("f") ?? "json").ToLowerInvariant();
        if (oneFeature && format == "csv")
        {
            // Answered as GeoJSON once, which a client asking for CSV would not expect.
            Fail("f", "One feature is given as json or html; csv is offered for the items list (items?f=csv, with a filter or the key).");
        }
        else if (format is not ("json" or "geojson" or "html" or "csv"))
        {
            Fail("f", $"Unknown format '{format}'. Formats: {(oneFeature ? "json, html" : "json, html, csv")}.");
        }

        var limit = DefaultLimit;
        if (One("limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
            {
                Fail("limit", $"'{limitText}' is not a positive integer.");
            }
            limit = Math.Min(limit, MaxLimit); // larger values are clamped, not refused (OGC API - Features 7.15.4)
        }

        long offset = 0;
        if (One("offset") is { } offsetText && (!long.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            Fail("offset", $"'{offsetText}' is not a non-negative integer.");
        }

        var crs = ParseCrs(One("crs"), "crs", Fail);
        var bboxCrs = ParseCrs(One("bbox-crs"), "bbox-crs", Fail);
        var filterCrs = ParseCrs(One("filter-crs"), "filter-crs", Fail);
        if (!dataset.IsSpatial)
        {
            foreach (var name in (string[])["crs", "bbox-crs", "bbox", "filter-crs"])
            {
                if (query.ContainsKey(name))
                {
                    Fail(name, $"'{dataset.Id}' has no geometry, so '{name}' does not apply.");
                }
            }
        }

        double[]? bbox = null;
        if (One("bbox") is { } bboxText)
        {
            bbox = ParseBbox(bboxText, bboxCrs, Fail);
        }

        TimeInterval? datetime = null;
        if (One("datetime") is { } datetimeText)
        {
            if (dataset.TemporalColumn is null)
            {
                Fail("datetime", $"'{dataset.Id}' has no temporal property to filter on.");
            }
            else
            {
                datetime = ParseInterval(datetimeText, Fail);
            }
        }

        var filter = One("filter");
        if (One("filter-lang") is { } lang && lang != "cql2-text")
        {
            Fail("filter-lang", $"Filter language '{lang}' is not supported; use cql2-text.");
        }
        if (filter is { Length: 0 })
        {
            Fail("filter", "The filter is empty.");
        }

        var sortBy = new List<SortKey>();
        if (One("sortby") is { } sortText)
        {
            foreach (var raw in sortText.Split(',', StringSplitOptions.TrimEntries))
            {
                var descending = raw.StartsWith('-');
                var name = raw.TrimStart('+', '-');
                var field = visible.FirstOrDefault(f => f.Name == name);
                if (field is null || !field.Sortable)
                {
                    Fail("sortby", $"Cannot sort by '{name}'. Sortable: {string.Join(", ", visible.Where(f => f.Sortable).Select(f => f.Name))}.");
                    continue;
                }
                sortBy.Add(new SortKey(field, descending));
            }
        }

        var equals = new List<PropertyEquals>();
        foreach (var (name, field) in queryables)
        {
            if (query.TryGetValue(name, out StringValues values))
            {
                if (ParseValue(field, values[0]!) is { } value)
                {
                    equals.Add(new PropertyEquals(field, value));
                }
                else
                {
                    Fail(name, $"'{values[0]}' is not a valid {field.Type} for '{name}'.");
                }
            }
        }

        if (oneFeature)
        {
            // One feature by id: only the representation parameters apply.
            foreach (var name in query.Keys.Where(k => k is not ("f" or "crs")))
            {
                errors.TryAdd(name, [$"'{name}' does not apply to a single feature; only f and crs do."]);
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new ItemsRequest(limit, offset, bbox, bboxCrs, datetime, crs, filter, filterCrs, sortBy, equals, format == "geojson" ? "json" : format), errors);
    }

    private static Crs ParseCrs(string? text, string parameter, Action<string, string> fail)
    {
        if (text is null)
        {
            return CrsRegistry.Crs84;
        }
        if (CrsRegistry.Find(text) is { } crs)
        {
            return crs;
        }
        fail(parameter, $"Unsupported CRS '{text}'. Supported: {string.Join(", ", CrsRegistry.Supported.Select(c => c.Uri))}.");
        return CrsRegistry.Crs84;
    }

    private static double[]? ParseBbox(string text, Crs crs, Action<string, string> fail)
    {
        var parts = text.Split(',');
        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
            {
                fail("bbox", $"Value {i + 1} of bbox, '{parts[i]}', is not a number.");
                return null;
            }
        }
        if (numbers.Length is not (4 or 6))
        {
            fail("bbox", $"bbox takes 4 numbers (or 6 with heights), not {numbers.Length}.");
            return null;
        }
        // Heights are ignored: the data is two-dimensional.
        var box = numbers.Length == 4 ? numbers : [numbers[0], numbers[1], numbers[3], numbers[4]];
        if (crs.LatitudeFirst)
        {
            box = [box[1], box[0], box[3], box[2]];
        }
        if (box[1] > box[3])
        {
            fail("bbox", "The lower corner is above the upper corner.");
            return null;
        }
        if (crs.IsWgs84 && (box[1] < -90 || box[3] > 90 || box[0] < -180 || box[2] > 180))
        {
            fail("bbox", "Longitudes must lie in [-180, 180] and latitudes in [-90, 90].");
            return null;
        }
        // In WGS 84 a box may cross the antimeridian (west > east); projected boxes may not.
        if (!crs.IsWgs84 && box[0] > box[2])
        {
            fail("bbox", "The lower corner is right of the upper corner.");
            return null;
        }
        return box;
    }

    private static TimeInterval? ParseInterval(string text, Action<string, string> fail)
    {
        var parts = text.Split('/');
        if (parts.Length > 2)
        {
            fail("datetime", "Use an instant or an interval start/end, with '..' for an open end.");
            return null;
        }
        DateTimeOffset? Bound(string part, bool end)
        {
            if (part is ".." or "")
            {
                return null;
            }
            if (DateOnly.TryParseExact(part, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                if (!RequestDates.InYears(day))
                {
                    fail("datetime", RequestDates.Outside("date", part));
                    return null;
                }
                // A date stands for the whole day.
                var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                return end ? start.AddDays(1).AddTicks(-1) : start;
            }
            if (DateTimeOffset.TryParse(part, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var instant)
                && (part.EndsWith('Z') || part.EndsWith('z') || part.Length > 19 && (part[^6] is '+' or '-')))
            {
                if (!RequestDates.InYears(DateOnly.FromDateTime(instant.UtcDateTime)))
                {
                    fail("datetime", RequestDates.Outside("time", part));
                    return null;
                }
                return instant;
            }
            fail("datetime", $"'{part}' is not an RFC 3339 date or date-time with a time zone (e.g. 2024-05-01 or 2024-05-01T08:00:00Z).");
            return null;
        }
        if (parts.Length == 1)
        {
            if (parts[0] == "..")
            {
                fail("datetime", "'..' is only allowed as one end of an interval.");
                return null;
            }
            // The day's end only once its start is known good: a bad instant is reported once.
            var start = Bound(parts[0], end: false);
            return start is null ? null : new TimeInterval(start, Bound(parts[0], end: true));
        }
        var from = Bound(parts[0], end: false);
        var to = Bound(parts[1], end: true);
        if (parts[0] is ".." or "" && parts[1] is ".." or "")
        {
            fail("datetime", "At least one end of the interval must be given.");
            return null;
        }
        if (from > to)
        {
            fail("datetime", "The interval ends before it starts.");
            return null;
        }
        return new TimeInterval(from, to);
    }

    public static object? ParseValue(DatasetField field, string text) => field.Type switch
    {
        "string" => text,
        "integer" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
        "number" => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        "boolean" => bool.TryParse(text, out var b) ? b : null,
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null,
        "timestamp" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t) ? t : null,
        _ => null,
    };
}

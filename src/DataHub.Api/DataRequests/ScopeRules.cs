using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.DataRequests;

/// <summary>
/// Checks scopes against the catalogue, checks that a counter-proposal only narrows the scope it
/// answers, and writes the exact difference between two scopes for the thread.
/// </summary>
public sealed class ScopeRules(Catalogue catalogue, NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<SharingOptions> options)
{
    public const int MaxUnits = 50;

    /// <summary>A complete scope from the caller's input, or problems by field.</summary>
    public async Task<(SharingScope? Scope, Dictionary<string, string[]> Errors)> ValidateAsync(ScopeInput? input, DateOnly today, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
        if (input is null)
        {
            Fail("scope", "A scope is needed: datasets (each with fields, filter, area), validFrom and validTo.");
            return (null, errors);
        }
        var datasets = new List<DatasetScope>();
        if (input.Datasets is not { Count: > 0 })
        {
            Fail("scope.datasets", "Name at least one dataset (see /api/v1/datasets).");
        }
        for (var i = 0; i < (input.Datasets?.Count ?? 0); i++)
        {
            var item = input.Datasets![i];
            var at = $"scope.datasets[{i}]";
            if (item.Dataset is null || await catalogue.FindAsync(item.Dataset, ct) is not { } dataset)
            {
                Fail($"{at}.dataset", $"'{item.Dataset}' is not a dataset of the catalogue (see /api/v1/datasets).");
                continue;
            }
            if (datasets.Any(d => d.Dataset == dataset.Id))
            {
                Fail($"{at}.dataset", $"'{dataset.Id}' is named twice; name each dataset once.");
                continue;
            }
            List<string> fields;
            if (item.Fields is { Count: > 0 } named)
            {
                foreach (var unknown in named.Where(n => dataset.Field(n) is null).Distinct())
                {
                    Fail($"{at}.fields", $"'{unknown}' is not a field of '{dataset.Id}'. Fields: {string.Join(", ", dataset.Fields.Select(f => f.Name))}.");
                }
                fields = dataset.Fields.Where(f => named.Contains(f.Name)).Select(f => f.Name).ToList();
            }
            else
            {
                // Minimisation: personal fields are given only when named.
                fields = dataset.Fields.Where(f => f.Sensitivity != "personal").Select(f => f.Name).ToList();
            }
            var filter = string.IsNullOrWhiteSpace(item.Filter) ? null : item.Filter.Trim();
            if (filter is not null)
            {
                try
                {
                    Filters.Translate(filter, dataset, dataset.Fields, new SqlBuilder(), CrsRegistry.Crs84);
                }
                catch (FilterException e)
                {
                    Fail($"{at}.filter", e.Message);
                }
            }
            var area = item.Area;
            if (area is not null)
            {
                if (!dataset.IsSpatial && await LocatorAsync(dataset.Id, ct) is null)
                {
                    Fail($"{at}.area", $"'{dataset.Id}' has no geometry and cannot be located: limit its rows with a filter instead.");
                }
                else if (await AreaProblemAsync(area, ct) is { } problem)
                {
                    Fail($"{at}.area", problem);
                }
                else
                {
                    area = area.Units is { Count: > 0 } units ? area with { Units = units.Distinct().Order(StringComparer.Ordinal).ToList() } : area;
                }
            }
            datasets.Add(new DatasetScope(dataset.Id, fields, filter, area));
        }
        if (input.ValidFrom is not { } from || input.ValidTo is not { } to)
        {
            Fail("scope.validFrom", "The access period needs validFrom and validTo (dates, both included).");
            return (null, errors);
        }
        if (to < from)
        {
            Fail("scope.validTo", "The period ends before it starts.");
        }
        if (to < today)
        {
            Fail("scope.validTo", $"The period is over (today is {today:yyyy-MM-dd}).");
        }
        if (to.DayNumber - from.DayNumber + 1 > options.Value.MaxPeriodDays)
        {
            Fail("scope.validTo", $"A grant lasts at most {options.Value.MaxPeriodDays} days (Sharing:MaxPeriodDays); ask again when it ends.");
        }
        if (input.RateLimitPerHour is < 1 or > 1_000_000)
        {
            Fail("scope.rateLimitPerHour", "The rate limit is a number of requests per hour, from 1 to 1,000,000.");
        }
        return errors.Count > 0 ? (null, errors) : (new SharingScope(datasets, from, to, input.RateLimitPerHour), errors);
    }

    /// <summary>
    /// A reviewer's counter-proposal applied to the current scope: it may only narrow it. Datasets
    /// and fields must be among the current ones, the period within it; its filter is added to the
    /// current one (AND), its area must lie within the current area, a rate limit may only go down.
    /// </summary>
    public async Task<(SharingScope? Scope, Dictionary<string, string[]> Errors)> NarrowAsync(SharingScope current, SharingScope proposed, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
        var datasets = new List<DatasetScope>();
        foreach (var (p, i) in proposed.Datasets.Select((p, i) => (p, i)))
        {
            var at = $"scope.datasets[{i}]";
            if (current.For(p.Dataset) is not { } c)
            {
                Fail($"{at}.dataset", $"'{p.Dataset}' is not part of the request; a counter-proposal may only narrow it ({string.Join(", ", current.Datasets.Select(d => d.Dataset))}).");
                continue;
            }
            foreach (var extra in p.Fields.Except(c.Fields))
            {
                Fail($"{at}.fields", $"'{extra}' was not asked for; a counter-proposal may only remove fields ({string.Join(", ", c.Fields)}).");
            }
            var filter = p.Filter is null || p.Filter == c.Filter ? c.Filter
                : c.Filter is null ? p.Filter
                : $"({c.Filter}) AND ({p.Filter})";
            var area = p.Area ?? c.Area;
            if (p.Area is not null && c.Area is not null && !await WithinAsync(p.Area, c.Area, ct))
            {
                Fail($"{at}.area", "The proposed area does not lie within the requested one; a counter-proposal may only make it smaller.");
            }
            datasets.Add(new DatasetScope(p.Dataset, p.Fields, filter, area));
        }
        // Keyed at the end that reaches outside (both, when both do).
        if (proposed.ValidFrom < current.ValidFrom)
        {
            Fail("scope.validFrom", $"The proposed period must lie within the requested {current.ValidFrom:yyyy-MM-dd} to {current.ValidTo:yyyy-MM-dd}.");
        }
        if (proposed.ValidTo > current.ValidTo)
        {
            Fail("scope.validTo", $"The proposed period must lie within the requested {current.ValidFrom:yyyy-MM-dd} to {current.ValidTo:yyyy-MM-dd}.");
        }
        if (current.RateLimitPerHour is { } limit && proposed.RateLimitPerHour is { } asked && asked > limit)
        {
            Fail("scope.rateLimitPerHour", $"The rate limit may only go down (from {limit}).");
        }
        var narrowed = new SharingScope(datasets, proposed.ValidFrom, proposed.ValidTo, proposed.RateLimitPerHour ?? current.RateLimitPerHour);
        if (errors.Count == 0 && Difference(current, narrowed) is null)
        {
            Fail("scope", "The counter-proposal is the scope as asked: approve it instead.");
        }
        return errors.Count > 0 ? (null, errors) : (narrowed, errors);
    }

    /// <summary>The exact difference between two scopes as JSON, or null when they are the same.</summary>
    public static JsonObject? Difference(SharingScope before, SharingScope after)
    {
        var diff = new JsonObject();
        var removed = before.Datasets.Select(d => d.Dataset).Except(after.Datasets.Select(d => d.Dataset)).ToList();
        var added = after.Datasets.Select(d => d.Dataset).Except(before.Datasets.Select(d => d.Dataset)).ToList();
        if (removed.Count > 0)
        {
            diff["datasetsRemoved"] = new JsonArray([.. removed.Select(r => JsonValue.Create(r))]);
        }
        if (added.Count > 0)
        {
            diff["datasetsAdded"] = new JsonArray([.. added.Select(r => JsonValue.Create(r))]);
        }
        var perDataset = new JsonObject();
        foreach (var a in after.Datasets)
        {
            if (before.For(a.Dataset) is not { } b)
            {
                continue;
            }
            var d = new JsonObject();
            if (b.Fields.Except(a.Fields).ToList() is { Count: > 0 } fieldsRemoved)
            {
                d["fieldsRemoved"] = new JsonArray([.. fieldsRemoved.Select(f => JsonValue.Create(f))]);
            }
            if (a.Fields.Except(b.Fields).ToList() is { Count: > 0 } fieldsAdded)
            {
                d["fieldsAdded"] = new JsonArray([.. fieldsAdded.Select(f => JsonValue.Create(f))]);
            }
            if (a.Filter != b.Filter)
            {
                d["filter"] = new JsonObject { ["from"] = b.Filter, ["to"] = a.Filter };
            }
            var (areaBefore, areaAfter) = (AreaJson(b.Area), AreaJson(a.Area));
            if (!JsonNode.DeepEquals(areaBefore, areaAfter))
            {
                d["area"] = new JsonObject { ["from"] = areaBefore, ["to"] = areaAfter };
            }
            if (d.Count > 0)
            {
                perDataset[a.Dataset] = d;
            }
        }
        if (perDataset.Count > 0)
        {
            diff["datasets"] = perDataset;
        }
        if (before.ValidFrom != after.ValidFrom)
        {
            diff["validFrom"] = new JsonObject { ["from"] = before.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["to"] = after.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        }
        if (before.ValidTo != after.ValidTo)
        {
            diff["validTo"] = new JsonObject { ["from"] = before.ValidTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["to"] = after.ValidTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        }
        var days = (after.ValidTo.DayNumber - after.ValidFrom.DayNumber) - (before.ValidTo.DayNumber - before.ValidFrom.DayNumber);
        if (days < 0)
        {
            diff["periodShortenedByDays"] = -days;
        }
        else if (days > 0)
        {
            diff["periodLengthenedByDays"] = days;
        }
        if (before.RateLimitPerHour != after.RateLimitPerHour)
        {
            diff["rateLimitPerHour"] = new JsonObject { ["from"] = before.RateLimitPerHour, ["to"] = after.RateLimitPerHour };
        }
        return diff.Count > 0 ? diff : null;
    }

    private static JsonNode? AreaJson(ScopeAreaSpec? area) =>
        area is null ? null : JsonSerializer.SerializeToNode(area, SharingScope.Json);

    /// <summary>The locator of a dataset without geometry, if the catalogue has one.</summary>
    public Task<DatasetLocator?> LocatorAsync(string datasetId, CancellationToken ct) => Grants.GrantScopes.LocatorAsync(dataSource, datasetId, ct);

    private async Task<string?> AreaProblemAsync(ScopeAreaSpec area, CancellationToken ct)
    {
        var kinds = (area.Bbox is not null ? 1 : 0) + (area.Units is not null ? 1 : 0) + (area.Geometry is { ValueKind: not JsonValueKind.Null } ? 1 : 0);
        if (kinds != 1)
        {
            return "An area is one of {\"bbox\": [w, s, e, n]}, {\"units\": [codes]} or {\"geometry\": GeoJSON}, in WGS 84.";
        }
        if (area.Bbox is { } b)
        {
            return b.Length != 4 || b.Any(v => !double.IsFinite(v)) ? "area.bbox takes four numbers: west, south, east, north (WGS 84)."
                : b[1] > b[3] || b[0] > b[2] ? "The lower corner of area.bbox is above or right of the upper corner."
                : b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 ? "Longitudes must lie in [-180, 180] and latitudes in [-90, 90]."
                : null;
        }
        if (area.Units is { } units)
        {
            if (units.Count is 0 or > MaxUnits)
            {
                return $"Name from 1 to {MaxUnits} administrative units.";
            }
            await using var command = dataSource.CreateCommand("select array(select c from unnest($1::text[]) c where not exists (select 1 from ref.admin_units u where u.code = c and u.boundary is not null))");
            command.Parameters.Add(new NpgsqlParameter { Value = units.ToArray() });
            var unknown = (string[])(await command.ExecuteScalarAsync(ct))!;
            return unknown.Length > 0 ? $"Unknown administrative units (or without a boundary): {string.Join(", ", unknown)}." : null;
        }
        try
        {
            await using var command = dataSource.CreateCommand("select ST_IsValid(ST_GeomFromGeoJSON($1))");
            command.Parameters.Add(new NpgsqlParameter { Value = area.Geometry!.Value.GetRawText() });
            return (bool)(await command.ExecuteScalarAsync(ct))! ? null : "area.geometry is not a valid geometry.";
        }
        catch (PostgresException e)
        {
            return $"area.geometry is not a GeoJSON geometry: {e.MessageText}";
        }
    }

    private async Task<bool> WithinAsync(ScopeAreaSpec inner, ScopeAreaSpec outer, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select coalesce(ST_Covers(ST_Buffer(special_sharing.area_geometry($2::jsonb), 1e-7), special_sharing.area_geometry($1::jsonb)), false)");
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(inner, SharingScope.Json), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(outer, SharingScope.Json), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}

using System.Text;
using DataHub.Api.Infrastructure.Database;
using NpgsqlTypes;

namespace DataHub.Api.Collections;

/// <summary>
/// The SQL of the items endpoints. PostGIS builds each feature's GeoJSON (ST_AsGeoJSON inside
/// json_build_object), so the hub streams text it never parses. Identifiers come from the
/// catalogue through SqlBuilder; every value is a parameter.
/// </summary>
public static class ItemsSql
{
    /// <summary>Turns a CQL2 text filter into a SQL condition, adding its values to the builder.</summary>
    public delegate string FilterTranslator(string filter, Dataset dataset, IReadOnlyList<DatasetField> visible, SqlBuilder sql, Crs filterCrs);

    public static string Where(Dataset d, ReadScope scope, ItemsRequest r, SqlBuilder sql, FilterTranslator? filter)
    {
        var conditions = new List<string>();
        if (ScopeCondition(d, scope, sql, filter) is { } rows)
        {
            conditions.Add(rows);
        }
        var visible = scope.Fields;
        if (r.Bbox is { } b && d.GeometryColumn is { } g)
        {
            conditions.Add(BboxCondition(SqlBuilder.Identifier(g), b, r.BboxCrs.Srid, d.StorageSrid!.Value, sql));
        }
        if (r.Datetime is { } t && d.TemporalColumn is { } temporal)
        {
            var column = SqlBuilder.Identifier(temporal);
            var isDate = d.Fields.FirstOrDefault(f => f.Column == temporal)?.Type == "date";
            string Bound(DateTimeOffset value) => isDate
                ? $"({sql.Add(value.UtcDateTime, NpgsqlDbType.TimestampTz)} at time zone 'UTC')::date"
                : sql.Add(value.UtcDateTime, NpgsqlDbType.TimestampTz);
            if (t.Start is { } start)
            {
                conditions.Add($"{column} >= {Bound(start)}");
            }
            if (t.End is { } end)
            {
                conditions.Add($"{column} <= {Bound(end)}");
            }
        }
        foreach (var e in r.EqualTo)
        {
            conditions.Add($"{SqlBuilder.Identifier(e.Field.Column)} = {sql.Add(e.Value)}");
        }
        if (r.Filter is { } text && filter is not null)
        {
            conditions.Add("(" + filter(text, d, visible, sql, r.FilterCrs) + ")");
        }
        return conditions.Count == 0 ? "true" : string.Join(" and ", conditions);
    }

    private static string BboxCondition(string column, double[] b, int bboxSrid, int storageSrid, SqlBuilder sql)
    {
        string Envelope(double minX, double minY, double maxX, double maxY)
        {
            var envelope = $"ST_MakeEnvelope({sql.Add(minX)}, {sql.Add(minY)}, {sql.Add(maxX)}, {sql.Add(maxY)}, {bboxSrid})";
            // Transform the box, never the column, so the spatial index is used.
            var box = bboxSrid == storageSrid ? envelope : $"ST_Transform(ST_Segmentize({envelope}, {(bboxSrid == 4326 ? "0.001" : "100")}), {storageSrid})";
            return $"({column} && {box} and ST_Intersects({column}, {box}))";
        }
        return b[0] <= b[2]
            ? Envelope(b[0], b[1], b[2], b[3])
            : $"({Envelope(b[0], b[1], 180, b[3])} or {Envelope(-180, b[1], b[2], b[3])})"; // crosses the antimeridian
    }

    /// <summary>The scope's row condition (filter and area) as SQL, or null. It may name any field of the dataset: the hub wrote it.</summary>
    private static string? ScopeCondition(Dataset d, ReadScope scope, SqlBuilder sql, FilterTranslator? filter)
    {
        var conditions = new List<string>();
        if (scope.RowFilter is { } rows)
        {
            conditions.Add("(" + (filter ?? throw new InvalidOperationException("a row-limited scope needs a filter translator"))(rows, d, d.Fields, sql, CrsRegistry.Crs84) + ")");
        }
        if (scope.Area is { } area)
        {
            conditions.Add(AreaCondition(d, area, sql));
        }
        return conditions.Count == 0 ? null : string.Join(" and ", conditions);
    }

    /// <summary>
    /// The rows within an area. Units are scalar subqueries (evaluated once per query) so the
    /// spatial index serves them; a dataset without geometry is limited through its locator.
    /// </summary>
    public static string AreaCondition(Dataset d, ScopeArea area, SqlBuilder sql)
    {
        string column;
        int srid;
        Func<string, string> located;
        if (d.GeometryColumn is { } g)
        {
            (column, srid, located) = (SqlBuilder.Identifier(g), d.StorageSrid!.Value, c => c);
        }
        else if (area.Locator is { } l)
        {
            (column, srid) = ("l." + SqlBuilder.Identifier(l.GeometryColumn), l.Srid);
            located = c => $"{SqlBuilder.Identifier(l.Column)} in (select l.{SqlBuilder.Identifier(l.RelationKey)} from {SqlBuilder.Relation(l.Relation)} l where {c})";
        }
        else
        {
            throw new InvalidOperationException($"'{d.Id}' has no geometry and no locator: an area cannot limit it");
        }
        if (area.Bbox is { Length: 4 } b)
        {
            return "(" + located(BboxCondition(column, b, 4326, srid, sql)) + ")";
        }
        if (area.Units is { Count: > 0 } units)
        {
            var boundary = srid == 9212 ? "u.boundary" : $"ST_Transform(u.boundary, {srid})";
            var any = units.Select(code =>
            {
                var shape = $"(select {boundary} from ref.admin_units u where u.code = {sql.Add(code)} order by u.valid_from desc limit 1)";
                return $"({column} && {shape} and ST_Intersects({column}, {shape}))";
            });
            return "(" + located("(" + string.Join(" or ", any) + ")") + ")";
        }
        if (area.GeometryJson is { } json)
        {
            var shape = $"(select ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON({sql.Add(json)}), 4326), {srid}))";
            return "(" + located($"({column} && {shape} and ST_Intersects({column}, {shape}))") + ")";
        }
        throw new InvalidOperationException("an area needs a bbox, units or a geometry");
    }

    public static string OrderBy(Dataset d, ItemsRequest r)
    {
        var keys = r.SortBy.Select(s => $"{SqlBuilder.Identifier(s.Field.Column)} {(s.Descending ? "desc nulls last" : "asc nulls first")}").ToList();
        keys.Add(SqlBuilder.Identifier(d.KeyColumn)); // a total order, so pages neither skip nor repeat
        return string.Join(", ", keys);
    }

    /// <summary>One row per feature: its complete GeoJSON text.</summary>
    public static string FeatureJson(Dataset d, IReadOnlyList<DatasetField> visible, Crs crs)
    {
        var properties = new StringBuilder();
        foreach (var field in visible.Where(f => !f.IsGeometry))
        {
            properties.Append(properties.Length == 0 ? "" : ", ")
                .Append(SqlBuilder.NameLiteral(field.Name)).Append(", ").Append(SqlBuilder.Identifier(field.Column));
        }
        var geometry = d.GeometryColumn is { } g && visible.Any(f => f.IsGeometry)
            ? $"ST_AsGeoJSON({GeometryIn(SqlBuilder.Identifier(g), d.StorageSrid!.Value, crs)}, {crs.Decimals})::json"
            : "null::json";
        return $"""
            json_build_object('type', 'Feature', 'id', {SqlBuilder.Identifier(d.KeyColumn)}, 'geometry', {geometry},
                              'properties', json_build_object({properties}))::text
            """;
    }

    public static string GeometryIn(string column, int storageSrid, Crs crs)
    {
        var transformed = crs.Srid == storageSrid ? column : $"ST_Transform({column}, {crs.Srid})";
        return crs.LatitudeFirst ? $"ST_FlipCoordinates({transformed})" : transformed;
    }

    /// <summary>
    /// The page's keys are chosen first, reading only key, filter and sort columns; features are
    /// built for those keys alone. Built in one query, PostgreSQL would compute the GeoJSON of
    /// every row that OFFSET skips (the projection sits below the Limit node): page 100 of a
    /// million parcels cost seconds that way.
    /// </summary>
    public static string Page(Dataset d, IReadOnlyList<DatasetField> visible, ItemsRequest r, string where, SqlBuilder sql) => $"""
        select {FeatureJson(d, visible, r.Crs)}
        from {SqlBuilder.Relation(d.SourceRelation)}
        where {PageKeys(d, r, where, sql)}
        order by {OrderBy(d, r)}
        """;

    private static string PageKeys(Dataset d, ItemsRequest r, string where, SqlBuilder sql)
    {
        var key = SqlBuilder.Identifier(d.KeyColumn);
        return $"""
            {key} in (select {key} from {SqlBuilder.Relation(d.SourceRelation)}
                      where {where}
                      order by {OrderBy(d, r)}
                      limit {sql.Add(r.Limit)} offset {sql.Add(r.Offset)})
            """;
    }

    public static string Count(Dataset d, string where) => $"""
        select count(*) from {SqlBuilder.Relation(d.SourceRelation)} where {where}
        """;

    public static string One(Dataset d, ReadScope scope, Crs crs, object key, SqlBuilder sql, FilterTranslator? filter)
    {
        var rows = ScopeCondition(d, scope, sql, filter) is { } condition ? " and " + condition : "";
        return $"""
            select {FeatureJson(d, scope.Fields, crs)}
            from {SqlBuilder.Relation(d.SourceRelation)}
            where {SqlBuilder.Identifier(d.KeyColumn)} = {sql.Add(key)}{rows}
            """;
    }

    /// <summary>Plain columns for CSV: the visible properties, then the geometry as WKT.</summary>
    public static string Rows(Dataset d, IReadOnlyList<DatasetField> visible, ItemsRequest r, string where, SqlBuilder sql)
    {
        var columns = new List<string> { SqlBuilder.Identifier(d.KeyColumn) };
        columns.AddRange(visible.Where(f => !f.IsGeometry).Select(f => SqlBuilder.Identifier(f.Column)));
        if (d.GeometryColumn is { } g && visible.Any(f => f.IsGeometry))
        {
            columns.Add($"ST_AsText({GeometryIn(SqlBuilder.Identifier(g), d.StorageSrid!.Value, r.Crs)}, {r.Crs.Decimals})");
        }
        return $"""
            select {string.Join(", ", columns)}
            from {SqlBuilder.Relation(d.SourceRelation)}
            where {PageKeys(d, r, where, sql)}
            order by {OrderBy(d, r)}
            """;
    }
}

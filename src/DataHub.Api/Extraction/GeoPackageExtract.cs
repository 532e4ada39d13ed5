using System.Globalization;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Database;
using NetTopologySuite.Geometries;
using Npgsql;

namespace DataHub.Api.Extraction;

/// <summary>
/// An extraction job written as a GeoPackage: the rows streamed from PostgreSQL into the file's
/// prepared insert one by one, never held together. Geometries are written as stored
/// (full precision) in the CRS asked for, CRS84 unless another was.
/// </summary>
public static class GeoPackageExtract
{
    public static async Task<long> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Dataset dataset,
        IReadOnlyList<DatasetField> visible, string where, SqlBuilder sql, Crs crs, string path, Func<long, Task> progress, CancellationToken ct)
    {
        var attributes = visible.Where(f => !f.IsGeometry).ToList();
        var spatial = dataset.GeometryColumn is not null && visible.Any(f => f.IsGeometry);
        var columns = new List<string> { SqlBuilder.Identifier(dataset.KeyColumn) };
        columns.AddRange(attributes.Select(f => SqlBuilder.Identifier(f.Column)));
        GeoPackageSrs? srs = null;
        if (spatial)
        {
            // GeoPackage coordinates are always easting/longitude first, whatever the CRS's axis order.
            columns.Add(ItemsSql.GeometryIn(SqlBuilder.Identifier(dataset.GeometryColumn!), dataset.StorageSrid!.Value, crs with { LatitudeFirst = false }));
            srs = await SrsAsync(connection, transaction, crs.Srid, ct);
        }
        var table = new GeoPackageTable(dataset.Id.Replace('-', '_'), dataset.TitleEn,
            [new GeoPackageColumn("id", dataset.IntegerKey ? "INTEGER" : "TEXT"), .. attributes.Select(f => new GeoPackageColumn(f.Name, TypeOf(f)))],
            spatial ? dataset.GeometryType : null, srs);

        await using var file = await GeoPackageFile.CreateAsync(path, table, ct);
        await using var command = sql.CreateCommand(connection, transaction, $"""
            select {string.Join(", ", columns)} from {SqlBuilder.Relation(dataset.SourceRelation)}
            where {where} order by {SqlBuilder.Identifier(dataset.KeyColumn)}
            """);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var values = new object?[attributes.Count + 1];
        long n = 0;
        while (await reader.ReadAsync(ct))
        {
            values[0] = reader.GetValue(0);
            for (var i = 0; i < attributes.Count; i++)
            {
                values[i + 1] = await reader.IsDBNullAsync(i + 1, ct) ? null : Value(attributes[i], reader.GetValue(i + 1));
            }
            var geometry = spatial && !await reader.IsDBNullAsync(columns.Count - 1, ct) ? reader.GetFieldValue<Geometry>(columns.Count - 1) : null;
            await file.AddAsync(geometry, values, ct);
            await progress(++n);
        }
        await file.CompleteAsync(ct);
        return n;
    }

    // GeoPackage 1.3, 2.1.6.1.1 (data types): dates and times are ISO 8601 text.
    private static string TypeOf(DatasetField field) => field.Type switch
    {
        "integer" => "INTEGER",
        "number" => "DOUBLE",
        "boolean" => "BOOLEAN",
        "date" => "DATE",
        "timestamp" => "DATETIME",
        _ => "TEXT",
    };

    private static object Value(DatasetField field, object value) => (field.Type, value) switch
    {
        ("integer", _) => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ("number", _) => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        ("date", DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ("date", DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ("timestamp", DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ("timestamp", DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        (_, string[] list) => string.Join(';', list),
        _ => value,
    };

    /// <summary>The CRS's name and WKT as PostGIS knows them (VN-2000 TM-3 from the hub's own migration).</summary>
    private static async Task<GeoPackageSrs> SrsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int srid, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select split_part(srtext, '\"', 2), srtext from spatial_ref_sys where srid = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = srid });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new GeoPackageSrs(srid, reader.GetString(0), reader.GetString(1))
            : throw new InvalidOperationException($"EPSG:{srid} is not in PostGIS's spatial_ref_sys");
    }
}

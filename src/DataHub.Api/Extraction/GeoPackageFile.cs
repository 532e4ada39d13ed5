using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DataHub.Api.Extraction;

/// <summary>A coordinate reference system as gpkg_spatial_ref_sys records it (EPSG code and WKT definition).</summary>
public sealed record GeoPackageSrs(int Srid, string Name, string Definition);

/// <summary>A column of the table: its name and GeoPackage data type (TEXT, INTEGER, DOUBLE, BOOLEAN, DATE, DATETIME).</summary>
public sealed record GeoPackageColumn(string Name, string Type);

/// <summary>The one table of the file; with a geometry type and CRS a feature table, without an attribute table.</summary>
public sealed record GeoPackageTable(string Name, string Description, IReadOnlyList<GeoPackageColumn> Columns, string? GeometryType, GeoPackageSrs? Srs);

/// <summary>
/// Writes a GeoPackage 1.3 (OGC 12-128r18) of one table, row by row, in one SQLite transaction
/// with a prepared insert. NetTopologySuite.IO.GeoPackage only encodes the geometry blobs
/// (GeoPackageGeoWriter, spec 2.1.3); the tables around them are created here, after the spec:
/// 1.1.1.1.3 application_id 'GPKG' and user_version 10300; 1.1.2 gpkg_spatial_ref_sys with the
/// three required rows (EPSG:4326, -1 and 0 undefined) and the table's CRS; 1.1.3 gpkg_contents
/// ('features' or 'attributes', with the extent of what was written); 2.1.4 the feature table
/// with an INTEGER PRIMARY KEY; 2.1.5 gpkg_geometry_columns. No spatial index (the R-tree
/// extension needs triggers calling ST_ functions that plain SQLite has not): QGIS and GDAL
/// read the file without one and build it when asked.
/// </summary>
public sealed class GeoPackageFile : IAsyncDisposable
{
    private const int ApplicationIdGpkg = 0x47504B47;
    private const int UserVersion13 = 10300;
    private const string GeometryColumn = "geom";
    private const string Wgs84 = """GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]""";

    private readonly SqliteConnection connection;
    private readonly SqliteTransaction transaction;
    private readonly SqliteCommand insert;
    private readonly GeoPackageTable table;
    private readonly GeoPackageGeoWriter geometries = new() { HandleOrdinates = Ordinates.XY };
    private readonly Envelope extent = new();

    private GeoPackageFile(SqliteConnection connection, SqliteTransaction transaction, SqliteCommand insert, GeoPackageTable table) =>
        (this.connection, this.transaction, this.insert, this.table) = (connection, transaction, insert, table);

    public static async Task<GeoPackageFile> CreateAsync(string path, GeoPackageTable table, CancellationToken ct)
    {
        // No pooling: the file is closed when written, so it can be downloaded, expired or deleted.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        // A file that fails half-way is deleted, not recovered: no journal to keep on disk, no syncs.
        await ExecuteAsync(connection, null, $"""
            pragma application_id = {ApplicationIdGpkg}; pragma user_version = {UserVersion13};
            pragma journal_mode = memory; pragma synchronous = off;
            """, ct);
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, transaction, """
            create table gpkg_spatial_ref_sys (
              srs_name text not null, srs_id integer primary key, organization text not null,
              organization_coordsys_id integer not null, definition text not null, description text);
            create table gpkg_contents (
              table_name text not null primary key, data_type text not null, identifier text unique, description text default '',
              last_change datetime not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
              min_x double, min_y double, max_x double, max_y double,
              srs_id integer, constraint fk_gc_r_srs_id foreign key (srs_id) references gpkg_spatial_ref_sys (srs_id));
            create table gpkg_geometry_columns (
              table_name text not null, column_name text not null, geometry_type_name text not null,
              srs_id integer not null, z tinyint not null, m tinyint not null,
              constraint pk_geom_cols primary key (table_name, column_name), constraint uk_gc_table_name unique (table_name),
              constraint fk_gc_tn foreign key (table_name) references gpkg_contents (table_name),
              constraint fk_gc_srs foreign key (srs_id) references gpkg_spatial_ref_sys (srs_id));
            insert into gpkg_spatial_ref_sys values
              ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
              ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
            """, ct);
        await ExecuteAsync(connection, transaction, """
            insert into gpkg_spatial_ref_sys values ('WGS 84 geodetic', 4326, 'EPSG', 4326, @wgs84, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')
            """, ct, ("@wgs84", Wgs84));
        if (table.Srs is { Srid: not 4326 } srs)
        {
            await ExecuteAsync(connection, transaction, "insert into gpkg_spatial_ref_sys values (@name, @srid, 'EPSG', @srid, @definition, null)",
                ct, ("@name", srs.Name), ("@srid", srs.Srid), ("@definition", srs.Definition));
        }
        var spatial = table.GeometryType is not null && table.Srs is not null;
        var columns = table.Columns.Select(c => $"{Quote(c.Name)} {c.Type}").Prepend("fid integer primary key autoincrement not null").ToList();
        if (spatial)
        {
            columns.Insert(1, $"{GeometryColumn} {table.GeometryType!.ToUpperInvariant()}");
        }
        await ExecuteAsync(connection, transaction, $"create table {Quote(table.Name)} ({string.Join(", ", columns)})", ct);
        await ExecuteAsync(connection, transaction, "insert into gpkg_contents (table_name, data_type, identifier, description, srs_id) values (@table, @type, @table, @description, @srid)",
            ct, ("@table", table.Name), ("@type", spatial ? "features" : "attributes"), ("@description", table.Description), ("@srid", spatial ? table.Srs!.Srid : null));
        if (spatial)
        {
            await ExecuteAsync(connection, transaction, "insert into gpkg_geometry_columns values (@table, @column, @type, @srid, 0, 0)",
                ct, ("@table", table.Name), ("@column", GeometryColumn), ("@type", table.GeometryType!.ToUpperInvariant()), ("@srid", table.Srs!.Srid));
        }

        var names = table.Columns.Select(c => c.Name).ToList();
        if (spatial)
        {
            names.Insert(0, GeometryColumn);
        }
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"insert into {Quote(table.Name)} ({string.Join(", ", names.Select(Quote))}) values ({string.Join(", ", names.Select((_, i) => $"@p{i}"))})";
        for (var i = 0; i < names.Count; i++)
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = $"@p{i}" });
        }
        insert.Prepare();
        return new GeoPackageFile(connection, transaction, insert, table with { GeometryType = spatial ? table.GeometryType : null });
    }

    /// <summary>Adds a row: the geometry (feature tables; null for none) and the values in the order of the table's columns.</summary>
    public async Task AddAsync(Geometry? geometry, IReadOnlyList<object?> values, CancellationToken ct)
    {
        var offset = 0;
        if (table.GeometryType is not null)
        {
            if (geometry is not null)
            {
                geometry.SRID = table.Srs!.Srid;
                extent.ExpandToInclude(geometry.EnvelopeInternal);
            }
            insert.Parameters[0].Value = geometry is null ? DBNull.Value : geometries.Write(geometry);
            offset = 1;
        }
        for (var i = 0; i < values.Count; i++)
        {
            insert.Parameters[offset + i].Value = values[i] ?? DBNull.Value;
        }
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records the extent of the rows written and commits; the file is complete.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (!extent.IsNull)
        {
            await ExecuteAsync(connection, transaction, "update gpkg_contents set min_x = @minx, min_y = @miny, max_x = @maxx, max_y = @maxy",
                ct, ("@minx", extent.MinX), ("@miny", extent.MinY), ("@maxx", extent.MaxX), ("@maxy", extent.MaxY));
        }
        await transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await insert.DisposeAsync();
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        await command.ExecuteNonQueryAsync(ct);
    }
}

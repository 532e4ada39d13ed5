using DataHub.Api.Collections.Filtering;
using DataHub.Api.Infrastructure.Database;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Collections.Filtering;

/// <summary>
/// A migrated database (so EPSG:9212 is registered) holding table "t": six parcels with one of
/// every queryable type, row 4 all nulls. Squares are 0.01° wide, near 106.8°E 11.5°N.
/// </summary>
public sealed class FilterTableFixture : IAsyncLifetime
{
    private const string Setup = """
        create table t (
          id integer primary key,
          name text,
          map_sheet integer,
          area_m2 numeric(12, 2),
          legal_area_m2 numeric(12, 2),
          is_main boolean,
          registered_on date,
          updated_at timestamptz,
          geom geometry(MultiPolygon, 9212)
        );
        create index on t using gist (geom);
        insert into t (id, name, map_sheet, area_m2, legal_area_m2, is_main, registered_on, updated_at, geom)
        select id, name, map_sheet, area_m2, legal_area_m2, is_main, registered_on, updated_at,
               st_transform(st_geomfromtext(wkt, 4326), 9212)
        from (values
          (1, 'Thửa Hà Nội', 12, 150.5, 150, true, date '2024-01-31', timestamptz '2024-01-31T10:00:00Z',
           'MULTIPOLYGON(((106.80 11.50, 106.81 11.50, 106.81 11.51, 106.80 11.51, 106.80 11.50)))'),
          (2, 'abc_def', 7, 99.25, 100, false, date '2023-06-15', timestamptz '2023-06-15T23:30:00Z',
           'MULTIPOLYGON(((106.82 11.50, 106.83 11.50, 106.83 11.51, 106.82 11.51, 106.82 11.50)))'),
          (3, 'ab%cd', 12, 2000, 2000, true, date '2024-03-01', timestamptz '2024-03-01T00:00:00Z',
           'MULTIPOLYGON(((106.80 11.52, 106.81 11.52, 106.81 11.53, 106.80 11.53, 106.80 11.52)))'),
          (4, null, null, null, null, null, null, null, null),
          (5, 'x''; drop table t; --', 3, 10, null, false, date '2022-12-31', timestamptz '2022-12-31T16:59:59Z',
           'MULTIPOLYGON(((107.00 12.00, 107.01 12.00, 107.01 12.01, 107.00 12.01, 107.00 12.00)))'),
          (6, '/* a */ -- ; 🙂', 40, 500, 450, true, date '2025-05-05', timestamptz '2025-05-05T05:05:05Z',
           'MULTIPOLYGON(((106.90 11.60, 106.91 11.60, 106.91 11.61, 106.90 11.61, 106.90 11.60)))')
        ) as rows (id, name, map_sheet, area_m2, legal_area_m2, is_main, registered_on, updated_at, wkt);
        """;

    private TestDatabase database = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("cql2");
        DataSource = DatabaseSetup.CreateDataSource(database.ConnectionString);
        await using var command = DataSource.CreateCommand(Setup);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>The ids of the rows of t the filter selects, in order.</summary>
    public async Task<int[]> IdsAsync(string filter, int filterSrid = 4326)
    {
        var builder = new SqlBuilder();
        var where = Cql2Filter.ToSql(filter, FilterQueryables.Parcels, builder, FilterQueryables.StorageSrid, filterSrid);
        await using var command = builder.CreateCommand(DataSource, $"select id from t where {where} order by id");
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }
        return [.. ids];
    }

    /// <summary>Rows in t, read without any filter: proof the table and its rows are untouched.</summary>
    public async Task<long> RowCountAsync()
    {
        await using var command = DataSource.CreateCommand("select count(*) from t");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<string> ScalarTextAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

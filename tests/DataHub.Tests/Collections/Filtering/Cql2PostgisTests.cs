using DataHub.Api.Collections.Filtering;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Tests.Collections.Filtering;

/// <summary>Each operator run against PostGIS: the rows that come back are the ones CQL2 means.</summary>
public sealed class Cql2PostgisTests(FilterTableFixture table) : IClassFixture<FilterTableFixture>
{
    private static int[] Ids(string ids) => ids.Length == 0 ? [] : [.. ids.Split(',').Select(int.Parse)];

    [Theory]
    [InlineData("name = 'abc_def'", "2")]
    [InlineData("name <> 'abc_def'", "1,3,5,6")]
    [InlineData("map_sheet = 12", "1,3")]
    [InlineData("map_sheet > 7", "1,3,6")]
    [InlineData("7 < map_sheet", "1,3,6")]
    [InlineData("map_sheet <= 7", "2,5")]
    [InlineData("map_sheet >= 12.5", "6")]
    [InlineData("map_sheet = 12.0", "1,3")]
    [InlineData("area >= 150.5", "1,3,6")]
    [InlineData("area < 100", "2,5")]
    [InlineData("area = 99.25", "2")]
    [InlineData("area > -1", "1,2,3,5,6")]
    [InlineData("area > legal_area", "1,6")]
    [InlineData("area = legal_area", "3")]
    [InlineData("is_main = TRUE", "1,3,6")]
    [InlineData("is_main <> true", "2,5")]
    [InlineData("FALSE = is_main", "2,5")]
    public async Task comparisons_select_the_rows_cql2_means(string filter, string expected)
    {
        Assert.Equal(Ids(expected), await table.IdsAsync(filter));
    }

    [Theory]
    [InlineData("registeredOn = DATE('2024-01-31')", "1")]
    [InlineData("registeredOn > DATE('2023-12-31')", "1,3,6")]
    [InlineData("registeredOn >= TIMESTAMP('2024-01-31T00:00:00Z')", "1,3,6")]
    [InlineData("registeredOn > TIMESTAMP('2024-01-31T00:00:00Z')", "3,6")]
    [InlineData("updated_at > TIMESTAMP('2024-01-31T09:59:59Z')", "1,3,6")]
    [InlineData("updated_at = TIMESTAMP('2024-01-31T17:00:00+07:00')", "1")]
    [InlineData("updated_at < DATE('2023-01-01')", "5")]
    [InlineData("updated_at >= DATE('2024-03-01')", "3,6")]
    public async Task dates_and_instants_compare_in_utc(string filter, string expected)
    {
        Assert.Equal(Ids(expected), await table.IdsAsync(filter));
    }

    [Theory]
    [InlineData("name IS NULL", "4")]
    [InlineData("name IS NOT NULL", "1,2,3,5,6")]
    [InlineData("geom IS NULL", "4")]
    [InlineData("name LIKE 'ab%'", "2,3")]
    [InlineData(@"name LIKE 'ab\%%'", "3")]
    [InlineData("name LIKE 'a_c%'", "2")]
    [InlineData(@"name LIKE 'abc\_d_f'", "2")]
    [InlineData("name LIKE '%Hà%'", "1")]
    [InlineData("name LIKE 'AB%'", "")]
    [InlineData("name NOT LIKE 'ab%'", "1,5,6")]
    [InlineData("area BETWEEN 99.25 AND 150.5", "1,2")]
    [InlineData("area NOT BETWEEN 99.25 AND 150.5", "3,5,6")]
    [InlineData("map_sheet BETWEEN 7 AND 12", "1,2,3")]
    [InlineData("registeredOn BETWEEN DATE('2024-01-01') AND DATE('2024-12-31')", "1,3")]
    [InlineData("updated_at BETWEEN TIMESTAMP('2024-01-01T00:00:00Z') AND DATE('2024-03-01')", "1,3")]
    [InlineData("map_sheet IN (3, 7)", "2,5")]
    [InlineData("map_sheet NOT IN (3, 7)", "1,3,6")]
    [InlineData("name IN ('abc_def', 'Thửa Hà Nội')", "1,2")]
    [InlineData("registeredOn IN (DATE('2024-01-31'), DATE('2022-12-31'))", "1,5")]
    [InlineData("area IN (10, 99.25)", "2,5")]
    [InlineData("is_main IN (FALSE)", "2,5")]
    public async Task null_like_between_and_in_select_the_rows_cql2_means(string filter, string expected)
    {
        Assert.Equal(Ids(expected), await table.IdsAsync(filter));
    }

    [Theory]
    [InlineData("NOT map_sheet = 12", "2,5,6")]
    [InlineData("NOT (name LIKE 'ab%')", "1,5,6")]
    [InlineData("map_sheet = 7 OR map_sheet = 12 AND area > 1000", "2,3")]
    [InlineData("(map_sheet = 7 OR map_sheet = 12) AND area > 1000", "3")]
    [InlineData("NOT NOT map_sheet = 12", "1,3")]
    [InlineData("map_sheet = 12 AND NOT is_main = FALSE", "1,3")]
    [InlineData("TRUE", "1,2,3,4,5,6")]
    [InlineData("FALSE", "")]
    public async Task logic_follows_cql2_precedence(string filter, string expected)
    {
        Assert.Equal(Ids(expected), await table.IdsAsync(filter));
    }

    [Theory]
    [InlineData("S_INTERSECTS(geom, BBOX(106.795, 11.495, 106.815, 11.535))", "1,3")]
    [InlineData("S_INTERSECTS(geom, POLYGON((106.825 11.505, 106.835 11.505, 106.835 11.515, 106.825 11.515, 106.825 11.505)))", "2")]
    [InlineData("S_INTERSECTS(geom, MULTIPOINT((106.805 11.505), (107.005 12.005)))", "1,5")]
    [InlineData("S_INTERSECTS(geom, MULTILINESTRING((106.805 11.49, 106.805 11.505), (106.905 11.605, 106.95 11.65)))", "1,6")]
    [InlineData("S_WITHIN(geom, POLYGON((106.7 11.4, 106.85 11.4, 106.85 11.6, 106.7 11.6, 106.7 11.4)))", "1,2,3")]
    [InlineData("S_CONTAINS(POLYGON((106.7 11.4, 106.85 11.4, 106.85 11.6, 106.7 11.6, 106.7 11.4)), geom)", "1,2,3")]
    [InlineData("S_CONTAINS(geom, POINT(106.805 11.505))", "1")]
    [InlineData("S_DISJOINT(geom, BBOX(106.795, 11.495, 106.815, 11.535))", "2,5,6")]
    [InlineData("NOT S_INTERSECTS(geom, BBOX(106.795, 11.495, 106.815, 11.535))", "2,5,6")]
    [InlineData("S_EQUALS(geom, MULTIPOLYGON(((106.80 11.50, 106.81 11.50, 106.81 11.51, 106.80 11.51, 106.80 11.50))))", "1")]
    [InlineData("S_TOUCHES(geom, LINESTRING(106.81 11.50, 106.81 11.51))", "1")]
    [InlineData("S_CROSSES(geom, LINESTRING(106.805 11.49, 106.805 11.54))", "1,3")]
    [InlineData("S_OVERLAPS(geom, POLYGON((106.805 11.505, 106.825 11.505, 106.825 11.506, 106.805 11.506, 106.805 11.505)))", "1,2")]
    [InlineData("s_intersects(geom, point(106.905 11.605)) or map_sheet = 7", "2,6")]
    public async Task spatial_functions_select_the_rows_postgis_finds_in_the_storage_crs(string filter, string expected)
    {
        Assert.Equal(Ids(expected), await table.IdsAsync(filter));
    }

    [Fact]
    public async Task a_literal_already_in_the_storage_crs_is_used_as_it_is()
    {
        var inside = await table.ScalarTextAsync("select st_astext(st_pointonsurface(geom)) from t where id = 2");
        var ids = await table.IdsAsync($"S_INTERSECTS(geom, {inside})", filterSrid: FilterQueryables.StorageSrid);
        Assert.Equal(2, Assert.Single(ids));
    }

    [Fact]
    public async Task a_bbox_filter_uses_the_spatial_index()
    {
        var builder = new SqlBuilder();
        var where = Cql2Filter.ToSql(
            "S_INTERSECTS(geom, BBOX(106.795, 11.495, 106.815, 11.535))", FilterQueryables.Parcels, builder, FilterQueryables.StorageSrid);
        await using var connection = await table.DataSource.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("set enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand($"explain select id from t where {where}", connection);
        foreach (var parameter in builder.Parameters)
        {
            explain.Parameters.Add(parameter);
        }
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }
        Assert.Contains(plan, line => line.Contains("t_geom_idx", StringComparison.Ordinal));
    }
}

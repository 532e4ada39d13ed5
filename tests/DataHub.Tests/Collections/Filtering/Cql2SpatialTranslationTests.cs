using NpgsqlTypes;
using static DataHub.Tests.Collections.Filtering.FilterQueryables;

namespace DataHub.Tests.Collections.Filtering;

public sealed class Cql2SpatialTranslationTests
{
    [Theory]
    [InlineData("S_INTERSECTS", "ST_Intersects")]
    [InlineData("S_WITHIN", "ST_Within")]
    [InlineData("S_CONTAINS", "ST_Contains")]
    [InlineData("S_DISJOINT", "ST_Disjoint")]
    [InlineData("S_EQUALS", "ST_Equals")]
    [InlineData("S_TOUCHES", "ST_Touches")]
    [InlineData("S_CROSSES", "ST_Crosses")]
    [InlineData("s_overlaps", "ST_Overlaps")]
    public void each_spatial_function_maps_to_its_postgis_predicate_on_the_bare_column(string function, string postgis)
    {
        var (sql, _) = Translate($"{function}(geom, POINT(105.8 21.0))");
        Assert.Equal($"{postgis}(\"geom\", ST_Transform(ST_GeomFromText(@p0, 4326), 9212))", sql);
    }

    [Fact]
    public void a_geometry_literal_is_sent_as_a_wkt_parameter_in_the_filter_crs()
    {
        var (_, builder) = Translate("S_INTERSECTS(geom, polygon((105 21, 106 21, 106 22, 105 22, 105 21)))");
        var parameter = Assert.Single(builder.Parameters);
        Assert.Equal("POLYGON ((105 21, 106 21, 106 22, 105 22, 105 21))", parameter.Value);
        Assert.Equal(NpgsqlDbType.Text, parameter.NpgsqlDbType);
    }

    [Fact]
    public void coordinates_keep_their_full_precision()
    {
        var (_, builder) = Translate("S_INTERSECTS(geom, POINT(105.123456789012 21.000000000001))");
        Assert.Equal("POINT (105.123456789012 21.000000000001)", Assert.Single(builder.Parameters).Value);
    }

    [Fact]
    public void the_literal_may_come_first_and_the_argument_order_is_kept()
    {
        var (sql, _) = Translate("S_WITHIN(POINT(105.8 21.0), geom)");
        Assert.Equal("ST_Within(ST_Transform(ST_GeomFromText(@p0, 4326), 9212), \"geom\")", sql);
    }

    [Theory]
    [InlineData("MULTIPOINT((1 2), (3 4))")]
    [InlineData("LINESTRING(1 2, 3 4)")]
    [InlineData("MULTILINESTRING((1 2, 3 4), (5 6, 7 8))")]
    [InlineData("MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))")]
    [InlineData("multipolygon (((0 0, 1 0, 1 1, 0 0)))")]
    public void every_wkt_geometry_type_is_accepted_in_any_case(string wkt)
    {
        var (sql, builder) = Translate($"S_INTERSECTS(geom, {wkt})");
        Assert.StartsWith("ST_Intersects(\"geom\", ", sql);
        Assert.Single(builder.Parameters);
    }

    [Fact]
    public void bbox_becomes_an_envelope_of_four_double_parameters()
    {
        var (sql, builder) = Translate("S_INTERSECTS(geom, BBOX(105, 21, 106.5, 22))");
        Assert.Equal("ST_Intersects(\"geom\", ST_Transform(ST_MakeEnvelope(@p0, @p1, @p2, @p3, 4326), 9212))", sql);
        Assert.Equal([105d, 21d, 106.5d, 22d], Values(builder));
        Assert.All(builder.Parameters, p => Assert.Equal(NpgsqlDbType.Double, p.NpgsqlDbType));
    }

    [Fact]
    public void no_transform_is_added_when_the_filter_crs_is_the_storage_crs()
    {
        var (sql, _) = Translate("S_INTERSECTS(geom, POINT(580000 2320000))", filterSrid: StorageSrid);
        Assert.Equal("ST_Intersects(\"geom\", ST_GeomFromText(@p0, 9212))", sql);
    }

    [Fact]
    public void another_filter_crs_is_named_in_the_sql()
    {
        var (sql, _) = Translate("S_INTERSECTS(geom, BBOX(580000, 2320000, 581000, 2321000))", filterSrid: 3405);
        Assert.Equal("ST_Intersects(\"geom\", ST_Transform(ST_MakeEnvelope(@p0, @p1, @p2, @p3, 3405), 9212))", sql);
    }
}

using DataHub.Api.Collections.Filtering;

namespace DataHub.Tests.Collections.Filtering;

/// <summary>
/// Filters written to break out of their SQL: each either means exactly what CQL2 says (its
/// text stays data) or is refused before any SQL runs; table t keeps its six rows either way.
/// </summary>
public sealed class Cql2HostileInputTests(FilterTableFixture table) : IClassFixture<FilterTableFixture>
{
    private async Task<int[]> IdsLeavingTheTableAlone(string filter, int filterSrid = 4326)
    {
        var ids = await table.IdsAsync(filter, filterSrid);
        Assert.Equal(6L, await table.RowCountAsync());
        return ids;
    }

    private async Task<Cql2Exception> RefusedLeavingTheTableAlone(string filter)
    {
        var error = await Assert.ThrowsAsync<Cql2Exception>(() => table.IdsAsync(filter));
        Assert.Equal(6L, await table.RowCountAsync());
        return error;
    }

    [Fact]
    public async Task a_quote_and_drop_table_inside_a_string_is_just_the_name_it_spells()
    {
        Assert.Equal(5, Assert.Single(await IdsLeavingTheTableAlone("name = 'x''; drop table t; --'")));
    }

    [Fact]
    public async Task or_1_equals_1_is_refused_as_a_comparison_of_two_literals()
    {
        var error = await RefusedLeavingTheTableAlone("name = 'a' or 1=1");
        Assert.StartsWith("a comparison needs a property on at least one side", error.Message);
    }

    [Theory]
    [InlineData("name = 'a'; drop table t", "unexpected `;` at position 10")]
    [InlineData("name = 'a' /* comment */", "unexpected `/` at position 11")]
    [InlineData("name = 'a' -- comment", "unexpected `-` at position 11")]
    [InlineData("map_sheet = 1 union select 1", "unexpected identifier `union` at position 14")]
    [InlineData("map_sheet = (select 1)", "unexpected `(`")]
    [InlineData("name = E'abc'", "unexpected string `'abc'` at position 8")]
    [InlineData("name = $$x$$", "unexpected `$`")]
    // \' is an escaped quote in CQL2, so the string never closes.
    [InlineData(@"name = 'a\'", "unterminated string: the ' is never closed at position 7")]
    [InlineData("name ＝ 'x'", "unexpected `＝`")]
    public async Task sql_syntax_outside_strings_is_refused(string filter, string message)
    {
        var error = await RefusedLeavingTheTableAlone(filter);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public async Task a_quoted_property_name_is_looked_up_never_spliced()
    {
        var error = await RefusedLeavingTheTableAlone("\"name\"\" = 'x'; drop table t; --\" = 'x'");
        Assert.StartsWith("unknown property 'name\" = 'x'; drop table t; --'", error.Message);
        Assert.Equal(2, Assert.Single(await IdsLeavingTheTableAlone("\"name\" = 'abc_def'")));
    }

    [Theory]
    [InlineData("name = '/* a */ -- ; 🙂'", "6")]
    [InlineData("name LIKE '%;%'", "5,6")]
    [InlineData("name LIKE '%--%'", "5,6")]
    [InlineData("name = 'Thửa Hà Nội'", "1")]
    [InlineData("name LIKE '%🙂'", "6")]
    [InlineData("name = 'DROP TABLE t'", "")]
    [InlineData("name = 'a' or name = 'x''; drop table t; --'", "5")]
    [InlineData(@"name = 'a\' or 1=1 --'", "")]
    [InlineData(@"name = 'x\'; drop table t; --'", "5")]
    public async Task comments_semicolons_and_unicode_inside_strings_are_data(string filter, string expected)
    {
        var ids = await IdsLeavingTheTableAlone(filter);
        Assert.Equal(expected, string.Join(',', ids));
    }

    [Fact]
    public async Task a_nul_character_is_refused_before_postgresql_sees_it()
    {
        var error = await RefusedLeavingTheTableAlone("name = 'a\0b'");
        Assert.Equal("the filter contains a NUL character at position 9", error.Message);
    }

    [Fact]
    public async Task a_lone_surrogate_is_refused_before_npgsql_sees_it()
    {
        var error = await RefusedLeavingTheTableAlone("name = 'a\ud800'");
        Assert.Equal("the filter contains a broken UTF-16 surrogate at position 9", error.Message);
    }

    [Fact]
    public async Task an_unknown_unicode_property_lists_the_queryables()
    {
        var error = await RefusedLeavingTheTableAlone("tên = 'x'");
        Assert.StartsWith("unknown property 'tên' at position 0; the queryables are: area,", error.Message);
    }

    [Fact]
    public async Task a_string_near_the_length_limit_runs_as_one_parameter()
    {
        Assert.Empty(await IdsLeavingTheTableAlone("name = '" + new string('\'', 19_000) + "'"));
    }

    [Fact]
    public async Task a_thousand_ors_and_a_thousand_in_values_run()
    {
        var ors = string.Join(" OR ", Enumerable.Range(100, 1_000).Select(i => $"map_sheet = {i}")) + " OR map_sheet = 7";
        Assert.Equal(2, Assert.Single(await IdsLeavingTheTableAlone(ors)));
        var values = string.Join(", ", Enumerable.Range(100, 999).Append(3));
        Assert.Equal(5, Assert.Single(await IdsLeavingTheTableAlone($"map_sheet IN ({values})")));
    }

    [Fact]
    public async Task fifty_levels_of_parentheses_run()
    {
        var ids = await IdsLeavingTheTableAlone(new string('(', 50) + "map_sheet = 12" + new string(')', 50));
        Assert.Equal("1,3", string.Join(',', ids));
    }

    [Fact]
    public async Task a_three_dimensional_point_is_accepted_and_compared_in_two_dimensions()
    {
        Assert.Equal(1, Assert.Single(await IdsLeavingTheTableAlone("S_INTERSECTS(geom, POINT Z (106.805 11.505 12))")));
    }

    [Fact]
    public async Task sql_after_or_inside_a_geometry_is_refused()
    {
        var error = await RefusedLeavingTheTableAlone("S_INTERSECTS(geom, POINT(1 2); drop table t; select (1))");
        Assert.Equal("unexpected `;` at position 29", error.Message);
        var inside = await RefusedLeavingTheTableAlone("S_INTERSECTS(geom, POINT(1 2 drop table t))");
        Assert.StartsWith("the geometry POINT(1 2 drop table t) is not valid WKT", inside.Message);
    }
}

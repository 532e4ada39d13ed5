using static DataHub.Tests.Collections.Filtering.FilterQueryables;

namespace DataHub.Tests.Collections.Filtering;

public sealed class Cql2ErrorMessageTests
{
    [Fact]
    public void an_unknown_property_is_named_with_the_queryables_that_exist()
    {
        var error = Error("map_sheet = 1 AND owner = 'x'");
        Assert.Equal(
            "unknown property 'owner' at position 18; the queryables are: area, geom, is_main, legal_area, map_sheet, name, registeredOn, updated_at",
            error.Message);
        Assert.Equal(18, error.Position);
    }

    [Fact]
    public void property_names_are_case_sensitive()
    {
        Assert.StartsWith("unknown property 'NAME' at position 0", Error("NAME = 'x'").Message);
    }

    [Fact]
    public void comparing_an_integer_property_with_a_string_says_both_types()
    {
        var error = Error("map_sheet = 'abc'");
        Assert.Equal("property 'map_sheet' is an integer; 'abc' is a string at position 12", error.Message);
        Assert.Equal(12, error.Position);
    }

    [Theory]
    [InlineData("name = 5", "property 'name' is a string; 5 is an integer at position 7")]
    [InlineData("is_main = 1", "property 'is_main' is a boolean; 1 is an integer at position 10")]
    [InlineData("area = TRUE", "property 'area' is a number; TRUE is a boolean at position 7")]
    [InlineData("map_sheet IN (1, 'two')", "property 'map_sheet' is an integer; 'two' is a string at position 17")]
    [InlineData("area BETWEEN 1 AND DATE('2024-01-01')", "property 'area' is a number; DATE('2024-01-01') is a date at position 19")]
    [InlineData("geom = 'x'", "property 'geom' is a geometry; 'x' is a string (use a spatial function such as S_INTERSECTS) at position 7")]
    public void each_type_mismatch_names_the_property_and_the_literal(string filter, string message)
    {
        Assert.Equal(message, Error(filter).Message);
    }

    [Fact]
    public void a_date_compared_with_a_plain_string_suggests_the_date_literal()
    {
        Assert.Equal(
            "property 'registeredOn' is a date; '2024-01-31' is a string (write DATE('YYYY-MM-DD') or TIMESTAMP('YYYY-MM-DDThh:mm:ssZ')) at position 15",
            Error("registeredOn = '2024-01-31'").Message);
    }

    [Theory]
    [InlineData("registeredOn = DATE('2024-02-30')", "DATE('2024-02-30') is not a calendar date written YYYY-MM-DD at position 15")]
    [InlineData("updated_at = TIMESTAMP('2024-01-31 10:00')", "TIMESTAMP('2024-01-31 10:00') is not an instant written YYYY-MM-DDThh:mm:ss[.fff]Z at position 13")]
    [InlineData("area = 1e400", "the number 1e400 is out of range at position 7")]
    public void malformed_literals_are_refused(string filter, string message)
    {
        Assert.Equal(message, Error(filter).Message);
    }

    [Fact]
    public void an_opening_parenthesis_never_closed_is_pointed_at()
    {
        var error = Error("map_sheet = 1 AND (name = 'a' OR area > 2");
        Assert.Equal("unbalanced parentheses: '(' is never closed at position 18", error.Message);
        Assert.Equal(18, error.Position);
    }

    [Fact]
    public void a_closing_parenthesis_without_its_opening_one_is_pointed_at()
    {
        Assert.Equal("unbalanced parentheses: ')' has no matching '(' at position 13", Error("map_sheet = 1) AND name = 'a'").Message);
    }

    [Fact]
    public void parentheses_inside_strings_do_not_count()
    {
        Assert.Equal(["(a"], Values(Translate("name = '(a'").Builder));
    }

    [Fact]
    public void an_unterminated_string_is_pointed_at_where_it_starts()
    {
        var error = Error("name = 'abc AND map_sheet = 1");
        Assert.Equal("unterminated string: the ' is never closed at position 7", error.Message);
        Assert.Equal(7, error.Position);
    }

    [Fact]
    public void a_backslash_before_the_last_quote_escapes_it_and_leaves_the_string_open()
    {
        Assert.Equal("unterminated string: the ' is never closed at position 10", Error(@"name LIKE 'abc\'").Message);
    }

    [Fact]
    public void an_unterminated_quoted_property_name_is_pointed_at()
    {
        Assert.Equal("unterminated quoted property name: the \" is never closed at position 0", Error("\"name = 'a'").Message);
    }

    [Fact]
    public void a_missing_operand_says_what_was_expected_and_where()
    {
        var error = Error("map_sheet >");
        Assert.Equal(
            "unexpected end of input, expected property name, quoted property name, string, number, `TRUE`, `FALSE`, `DATE` or `TIMESTAMP` at position 11",
            error.Message);
        Assert.Equal(11, error.Position);
    }

    [Fact]
    public void a_doubled_operator_is_pointed_at()
    {
        var error = Error("map_sheet = = 3");
        Assert.StartsWith("unexpected `=`, expected property name", error.Message);
        Assert.EndsWith("at position 12", error.Message);
    }

    [Fact]
    public void a_dangling_and_expects_another_predicate()
    {
        Assert.EndsWith("at position 17", Error("map_sheet = 3 AND").Message);
    }

    [Fact]
    public void a_bare_property_is_not_a_predicate()
    {
        Assert.StartsWith("unexpected end of input, expected `=`, `<>`", Error("is_main").Message);
    }

    [Fact]
    public void two_literals_compared_with_each_other_are_refused()
    {
        Assert.Equal(
            "a comparison needs a property on at least one side; 1 = 1 compares two literals at position 14",
            Error("name = 'a' OR 1=1").Message);
    }

    [Fact]
    public void wkt_that_does_not_parse_is_refused_with_the_readers_reason()
    {
        var error = Error("S_INTERSECTS(geom, POLYGON((105 21, 106 21, 106 22)))");
        Assert.Equal("the geometry POLYGON((105 21, 106 21, 106 22)) is not valid WKT (points must form a closed linestring) at position 19", error.Message);
        Assert.Equal(19, error.Position);
    }

    [Fact]
    public void wkt_with_a_non_number_coordinate_is_refused()
    {
        Assert.StartsWith("the geometry POINT(1 x) is not valid WKT", Error("S_INTERSECTS(geom, POINT(1 x))").Message);
    }

    [Fact]
    public void a_self_intersecting_polygon_is_refused_with_where_it_crosses()
    {
        Assert.Equal(
            "the geometry POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)) is not valid: Self-intersection near (0.5 0.5) at position 19",
            Error("S_INTERSECTS(geom, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))").Message);
    }

    [Theory]
    [InlineData("S_INTERSECTS(geom, BBOX(1, 2, 3))", "BBOX takes four numbers (minx, miny, maxx, maxy), not 3 at position 19")]
    [InlineData("S_INTERSECTS(geom, BBOX(3, 2, 1, 4))", "BBOX needs minx <= maxx and miny <= maxy at position 19")]
    [InlineData("S_INTERSECTS(POINT(1 2), BBOX(0, 0, 3, 4))", "S_INTERSECTS needs a geometry property as one of its arguments at position 0")]
    [InlineData("S_WITHIN(geom, name)", "property 'name' is a string; S_WITHIN needs a geometry at position 15")]
    public void spatial_functions_need_a_geometry_property_and_a_sound_bbox(string filter, string message)
    {
        Assert.Equal(message, Error(filter).Message);
    }

    [Theory]
    [InlineData("is_main < TRUE", "property 'is_main' is a boolean; booleans compare only with = and <> at position 0")]
    [InlineData("map_sheet LIKE '1%'", "property 'map_sheet' is an integer; LIKE needs a string property at position 0")]
    [InlineData("name BETWEEN 'a' AND 'b'", "property 'name' is a string; BETWEEN needs a number, date or timestamp property at position 0")]
    [InlineData("'a' LIKE name", "LIKE needs a property on its left; 'a' is a literal at position 0")]
    [InlineData("area = name", "property 'area' is a number; property 'name' is a string; they cannot be compared at position 0")]
    public void operators_are_checked_against_the_property_type(string filter, string message)
    {
        Assert.Equal(message, Error(filter).Message);
    }

    [Fact]
    public void fifty_levels_of_parentheses_are_allowed_and_fifty_one_are_not()
    {
        Assert.NotNull(Translate(new string('(', 50) + "map_sheet = 1" + new string(')', 50)).Sql);
        var error = Error(new string('(', 51) + "map_sheet = 1" + new string(')', 51));
        Assert.Equal("parentheses are nested deeper than 50 levels at position 50", error.Message);
        Assert.Equal(50, error.Position);
    }

    [Fact]
    public void thousands_of_nested_parentheses_fail_fast_without_exhausting_the_stack()
    {
        Assert.Contains("nested deeper than 50", Error(new string('(', 9_000) + "map_sheet = 1" + new string(')', 9_000)).Message);
    }

    [Fact]
    public void a_filter_over_twenty_thousand_characters_is_refused()
    {
        var filter = "name = '" + new string('x', 20_000) + "'";
        Assert.Equal($"the filter is {filter.Length} characters long; at most 20000 are allowed at position 20000", Error(filter).Message);
    }

    [Fact]
    public void an_in_list_of_a_thousand_values_is_allowed_and_one_more_is_not()
    {
        var thousand = string.Join(",", Enumerable.Range(0, 1_000));
        Assert.Equal(1_000, Translate($"map_sheet IN ({thousand})").Builder.Parameters.Count);
        Assert.Equal(
            "an IN list holds at most 1000 values; this one has 1001 at position 0",
            Error($"map_sheet IN ({thousand},1000)").Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void an_empty_filter_is_refused(string filter)
    {
        Assert.Equal("the filter is empty at position 0", Error(filter).Message);
    }

    [Fact]
    public void characters_outside_the_grammar_are_pointed_at()
    {
        Assert.Equal("unexpected `;` at position 10", Error("name = 'x'; drop table t").Message);
    }
}

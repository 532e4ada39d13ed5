using DataHub.Api.Collections.Filtering;
using DataHub.Api.Infrastructure.Database;
using NpgsqlTypes;
using static DataHub.Tests.Collections.Filtering.FilterQueryables;

namespace DataHub.Tests.Collections.Filtering;

public sealed class Cql2SqlTranslationTests
{
    [Fact]
    public void a_comparison_quotes_the_column_and_sends_the_value_as_a_typed_parameter()
    {
        var (sql, builder) = Translate("map_sheet = 12");
        Assert.Equal("\"map_sheet\" = @p0", sql);
        var parameter = Assert.Single(builder.Parameters);
        Assert.Equal(12L, parameter.Value);
        Assert.Equal(NpgsqlDbType.Bigint, parameter.NpgsqlDbType);
    }

    [Fact]
    public void the_client_name_of_a_queryable_becomes_its_column()
    {
        Assert.Equal("\"area_m2\" >= @p0", Translate("area >= 150.5").Sql);
        Assert.Equal("\"registered_on\" = @p0", Translate("registeredOn = DATE('2024-01-31')").Sql);
    }

    [Theory]
    [InlineData("12 < map_sheet", "\"map_sheet\" > @p0")]
    [InlineData("12 <= map_sheet", "\"map_sheet\" >= @p0")]
    [InlineData("12 > map_sheet", "\"map_sheet\" < @p0")]
    [InlineData("12 >= map_sheet", "\"map_sheet\" <= @p0")]
    [InlineData("12 = map_sheet", "\"map_sheet\" = @p0")]
    [InlineData("12 <> map_sheet", "\"map_sheet\" <> @p0")]
    public void a_literal_on_the_left_mirrors_the_operator(string filter, string expected)
    {
        Assert.Equal(expected, Translate(filter).Sql);
    }

    [Fact]
    public void not_binds_tighter_than_and_which_binds_tighter_than_or()
    {
        var (sql, _) = Translate("name = 'a' OR map_sheet = 1 AND NOT is_main = TRUE");
        Assert.Equal("(\"name\" = @p0 OR (\"map_sheet\" = @p1 AND NOT (\"is_main\" = @p2)))", sql);
    }

    [Fact]
    public void parentheses_override_precedence()
    {
        var (sql, _) = Translate("(name = 'a' OR map_sheet = 1) AND is_main = TRUE");
        Assert.Equal("((\"name\" = @p0 OR \"map_sheet\" = @p1) AND \"is_main\" = @p2)", sql);
    }

    [Fact]
    public void keywords_are_case_insensitive()
    {
        var (sql, _) = Translate("name LiKe 'a%' aNd map_sheet iN (1) oR name iS nOt NuLl AND is_main = tRuE");
        Assert.Equal("((\"name\" LIKE @p0 AND \"map_sheet\" IN (@p1)) OR (\"name\" IS NOT NULL AND \"is_main\" = @p2))", sql);
    }

    [Fact]
    public void a_run_of_nots_folds_to_one_or_none()
    {
        Assert.Equal("\"map_sheet\" = @p0", Translate("NOT NOT map_sheet = 1").Sql);
        Assert.Equal("NOT (\"map_sheet\" = @p0)", Translate("not not not map_sheet = 1").Sql);
    }

    [Fact]
    public void doubled_quotes_in_a_string_are_one_quote_in_the_parameter()
    {
        var (_, builder) = Translate("name = 'it''s ''quoted'''");
        Assert.Equal(["it's 'quoted'"], Values(builder));
    }

    [Fact]
    public void a_backslash_before_a_quote_is_a_quote_and_other_backslashes_stay()
    {
        var (_, builder) = Translate(@"name = 'it\'s' OR name = 'C:\temp\n'");
        Assert.Equal(["it's", @"C:\temp\n"], Values(builder));
    }

    [Fact]
    public void double_quoted_property_names_are_properties_even_when_they_look_like_keywords()
    {
        var queryables = new Dictionary<string, DataHub.Api.Collections.Filtering.FilterProperty>
        {
            ["and"] = new("and", "and_flag", QueryableType.Boolean),
        };
        var sql = Cql2Filter.ToSql("\"and\" = TRUE", queryables, new SqlBuilder(), StorageSrid);
        Assert.Equal("\"and_flag\" = @p0", sql);
    }

    [Theory]
    [InlineData("area > -1.5", -1.5)]
    [InlineData("area > +2.25", 2.25)]
    [InlineData("area > 2e3", 2000)]
    [InlineData("area > .5", 0.5)]
    public void numbers_may_be_negative_decimal_or_scientific(string filter, double expected)
    {
        var parameter = Assert.Single(Translate(filter).Builder.Parameters);
        Assert.Equal((decimal)expected, parameter.Value);
        Assert.Equal(NpgsqlDbType.Numeric, parameter.NpgsqlDbType);
    }

    [Fact]
    public void an_integer_property_compared_with_a_decimal_is_compared_as_numeric()
    {
        var parameter = Assert.Single(Translate("map_sheet < 12.5").Builder.Parameters);
        Assert.Equal(12.5m, parameter.Value);
        Assert.Equal(NpgsqlDbType.Numeric, parameter.NpgsqlDbType);
    }

    [Fact]
    public void dates_and_timestamps_become_date_and_utc_timestamptz_parameters()
    {
        var (sql, builder) = Translate("registeredOn = DATE('2024-01-31') AND updated_at > TIMESTAMP('2024-01-31T17:00:00+07:00')");
        Assert.Equal("(\"registered_on\" = @p0 AND \"updated_at\" > @p1)", sql);
        Assert.Equal(new DateOnly(2024, 1, 31), builder.Parameters[0].Value);
        Assert.Equal(NpgsqlDbType.Date, builder.Parameters[0].NpgsqlDbType);
        var instant = Assert.IsType<DateTime>(builder.Parameters[1].Value);
        Assert.Equal(new DateTime(2024, 1, 31, 10, 0, 0, DateTimeKind.Utc), instant);
        Assert.Equal(DateTimeKind.Utc, instant.Kind);
        Assert.Equal(NpgsqlDbType.TimestampTz, builder.Parameters[1].NpgsqlDbType);
    }

    [Fact]
    public void a_date_property_compared_with_an_instant_is_read_as_midnight_utc()
    {
        var (sql, _) = Translate("registeredOn < TIMESTAMP('2024-01-31T10:00:00Z')");
        Assert.Equal("(\"registered_on\"::timestamp AT TIME ZONE 'UTC') < @p0", sql);
    }

    [Fact]
    public void a_timestamp_property_compared_with_a_date_gets_midnight_utc_of_that_date()
    {
        var parameter = Assert.Single(Translate("updated_at >= DATE('2024-01-31')").Builder.Parameters);
        Assert.Equal(new DateTime(2024, 1, 31, 0, 0, 0, DateTimeKind.Utc), parameter.Value);
    }

    [Fact]
    public void like_between_in_and_null_tests_translate_with_their_negations()
    {
        Assert.Equal("\"name\" NOT LIKE @p0", Translate("name NOT LIKE 'ab%'").Sql);
        Assert.Equal("\"area_m2\" NOT BETWEEN @p0 AND @p1", Translate("area NOT BETWEEN 1 AND 2.5").Sql);
        Assert.Equal("\"map_sheet\" NOT IN (@p0, @p1, @p2)", Translate("map_sheet NOT IN (1, 2, 3)").Sql);
        Assert.Equal("\"geom\" IS NULL", Translate("geom IS NULL").Sql);
        Assert.Empty(Translate("geom IS NOT NULL").Builder.Parameters);
    }

    [Fact]
    public void the_like_pattern_is_passed_through_with_cql2_wildcards_and_backslash_escapes()
    {
        Assert.Equal([@"ab\%_%"], Values(Translate(@"name LIKE 'ab\%_%'").Builder));
    }

    [Fact]
    public void a_lone_true_is_a_predicate_and_still_a_parameter()
    {
        var (sql, builder) = Translate("TRUE AND FALSE");
        Assert.Equal("(@p0 AND @p1)", sql);
        Assert.Equal([true, false], Values(builder));
    }

    [Fact]
    public void two_properties_of_one_kind_compare_without_parameters()
    {
        var (sql, builder) = Translate("area > legal_area");
        Assert.Equal("\"area_m2\" > \"legal_area_m2\"", sql);
        Assert.Empty(builder.Parameters);
    }

    [Fact]
    public void placeholders_continue_after_the_parameters_already_in_the_builder()
    {
        var builder = new SqlBuilder();
        builder.Add(100);
        var sql = Cql2Filter.ToSql("map_sheet = 1", Parcels, builder, StorageSrid);
        Assert.Equal("\"map_sheet\" = @p1", sql);
        Assert.Equal(2, builder.Parameters.Count);
    }

    [Fact]
    public void a_filter_that_fails_late_leaves_no_parameters_behind()
    {
        var builder = new SqlBuilder();
        Assert.Throws<Cql2Exception>(() => Cql2Filter.ToSql("name = 'a' AND map_sheet = 1 AND nope = 2", Parcels, builder, StorageSrid));
        Assert.Empty(builder.Parameters);
    }

    [Fact]
    public void a_filter_of_the_largest_size_made_of_nots_or_ands_translates_flat()
    {
        var nots = string.Concat(Enumerable.Repeat("NOT ", 4_990)) + "map_sheet = 1";
        Assert.Equal("\"map_sheet\" = @p0", Translate(nots).Sql);

        var ands = string.Join(" AND ", Enumerable.Repeat("map_sheet = 1", 1_100));
        var (sql, builder) = Translate(ands);
        Assert.Equal(1_100, builder.Parameters.Count);
        Assert.StartsWith("(\"map_sheet\" = @p0 AND \"map_sheet\" = @p1 AND ", sql);
    }
}

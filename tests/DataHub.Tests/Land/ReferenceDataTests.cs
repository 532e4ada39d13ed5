using System.Globalization;
using Npgsql;

namespace DataHub.Tests.Land;

/// <summary>
/// Reference data that changes over time (migrations 0004 and 0007): code lists and
/// administrative units with half-open validity periods, unit successions after the 2025
/// merger, and the working-day calendar that dossier deadlines are counted in.
/// </summary>
public sealed class ReferenceDataTests(LandDatabase db) : IClassFixture<LandDatabase>
{
    private static DateOnly Day(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("DDT", "2024-06-01", true)]
    [InlineData("DDT", "2024-07-31", true)]
    [InlineData("DDT", "2024-08-01", false)]
    [InlineData("DDT", "2025-01-01", false)]
    [InlineData("DDD", "2024-06-01", false)]
    [InlineData("DDD", "2024-08-01", true)]
    [InlineData("DDD", "2025-01-01", true)]
    [InlineData("CLN", "2024-06-01", true)]
    [InlineData("CLN", "2025-01-01", true)]
    [InlineData("XXX", "2025-01-01", false)]
    public async Task land_use_purpose_codes_are_valid_by_date(string code, string on, bool valid)
    {
        Assert.Equal(valid, await db.ScalarAsync<bool>("select ref.code_valid('land_use_purpose', $1, $2)", code, Day(on)));
    }

    [Fact]
    public async Task a_code_may_get_a_new_period_where_its_previous_one_ends_but_not_an_overlapping_one()
    {
        await InRolledBackTransactionAsync(async (connection, transaction) =>
        {
            const string insert = """
                insert into ref.codes (list_id, code, label_vi, valid_from, valid_to)
                values ('land_use_purpose', 'TST', $1, $2, $3)
                """;
            await LandDatabase.ScalarAsync<object?>(connection, transaction, insert, "cũ", Day("2020-01-01"), Day("2025-01-01"));
            await LandDatabase.ScalarAsync<object?>(connection, transaction, insert, "mới", Day("2025-01-01"), DBNull.Value);

            const string label = "select label_vi from ref.codes where list_id = 'land_use_purpose' and code = 'TST' and valid_from <= $1 and ($1 < valid_to or valid_to is null)";
            Assert.Equal("cũ", await LandDatabase.ScalarAsync<string>(connection, transaction, label, Day("2024-12-31")));
            Assert.Equal("mới", await LandDatabase.ScalarAsync<string>(connection, transaction, label, Day("2025-01-01")));

            var e = await Assert.ThrowsAsync<PostgresException>(() =>
                LandDatabase.ScalarAsync<object?>(connection, transaction, insert, "chồng lấn", Day("2024-06-01"), Day("2024-12-01")));
            Assert.Equal(PostgresErrorCodes.ExclusionViolation, e.SqlState);
            Assert.Equal("codes", e.TableName);
        });
    }

    [Fact]
    public async Task an_open_ended_code_refuses_a_second_period_that_overlaps_it()
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => db.ScalarAsync<object?>("""
            insert into ref.codes (list_id, code, label_vi, valid_from)
            values ('land_use_purpose', 'CLN', 'Đất trồng cây lâu năm (bản sau)', date '2030-01-01')
            """));

        Assert.Equal(PostgresErrorCodes.ExclusionViolation, e.SqlState);
    }

    [Fact]
    public async Task an_administrative_unit_refuses_an_overlapping_second_version()
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => db.ScalarAsync<object?>("""
            insert into ref.admin_units (code, name, level, valid_from, valid_to)
            values ('75', 'Tỉnh Đồng Nai (trùng)', 'province', date '2025-01-01', date '2026-01-01')
            """));

        Assert.Equal(PostgresErrorCodes.ExclusionViolation, e.SqlState);
        Assert.Equal("admin_units", e.TableName);
    }

    [Theory]
    [InlineData("2025-06-30", "70")]
    [InlineData("2025-07-01", "75")]
    [InlineData("2026-03-01", "75")]
    public async Task binh_phuoc_province_resolves_to_dong_nai_from_the_merger_on(string on, string expected)
    {
        Assert.Equal([expected], await SuccessorsAsync(null, null, "70", Day(on)));
    }

    // Test communes: 25001 and 25002 merge into 26001 on 2025-07-01, which is renamed 26002 on 2026-01-01.
    [Theory]
    [InlineData("25001", "2025-06-30", "25001")]
    [InlineData("25001", "2025-07-01", "26001")]
    [InlineData("25002", "2025-07-01", "26001")]
    [InlineData("25001", "2025-12-31", "26001")]
    [InlineData("25001", "2026-01-01", "26002")]
    [InlineData("25002", "2026-06-01", "26002")]
    [InlineData("26001", "2025-07-01", "26001")]
    [InlineData("26001", "2026-01-01", "26002")]
    [InlineData("26002", "2026-06-01", "26002")]
    public async Task an_old_commune_resolves_through_merger_and_rename_to_the_unit_of_the_day(string code, string on, string expected)
    {
        await InRolledBackTransactionAsync(async (connection, transaction) =>
        {
            await LandDatabase.ScalarAsync<object?>(connection, transaction, """
                insert into ref.admin_unit_successions (old_code, new_code, effective_on, source_document) values
                  ('25001', '26001', date '2025-07-01', 'test'),
                  ('25002', '26001', date '2025-07-01', 'test'),
                  ('26001', '26002', date '2026-01-01', 'test')
                """);

            Assert.Equal([expected], await SuccessorsAsync(connection, transaction, code, Day(on)));
        });
    }

    [Theory]
    [InlineData("75", "2025-06-30", "1976-01-01")]
    [InlineData("75", "2025-07-01", "2025-07-01")]
    [InlineData("70", "2025-06-30", "1997-01-01")]
    [InlineData("70", "2025-07-01", null)]
    [InlineData("689", "2025-06-30", "1997-01-01")]
    [InlineData("689", "2025-07-01", null)]
    public async Task unit_at_finds_the_version_valid_on_a_date(string code, string on, string? validFrom)
    {
        var found = await db.ScalarAsync<DateOnly?>("select (ref.unit_at($1, $2)).valid_from", code, Day(on));

        Assert.Equal(validFrom is null ? null : Day(validFrom), found);
    }

    [Theory]
    [InlineData("2025-04-28", 0, "2025-04-28")]
    [InlineData("2025-04-28", 3, "2025-05-06")] // 30/4, 1/5 holidays, 2/5 swapped day off, weekend
    [InlineData("2025-04-25", 1, "2025-04-26")] // Saturday 26/4 is worked in exchange for 2/5
    [InlineData("2025-04-25", 8, "2025-05-09")] // a change-registration dossier (1.013831, 8 working days)
    [InlineData("2025-01-24", 1, "2025-02-03")] // Tết 2025
    [InlineData("2026-02-13", 1, "2026-02-23")] // Tết 2026
    [InlineData("2026-02-12", 2, "2026-02-23")]
    public async Task adding_working_days_skips_weekends_holidays_and_swapped_days_off(string start, int days, string expected)
    {
        Assert.Equal(Day(expected), await db.ScalarAsync<DateOnly>("select ref.add_working_days($1, $2)", Day(start), days));
    }

    [Theory]
    [InlineData("2025-04-26", true)]  // swapped working Saturday
    [InlineData("2025-05-03", false)] // ordinary Saturday
    [InlineData("2025-05-02", false)] // swapped day off on a Friday
    [InlineData("2025-04-30", false)]
    [InlineData("2025-05-05", true)]
    [InlineData("2026-02-16", false)]
    public async Task is_working_day_follows_the_calendar_before_the_weekday_rule(string day, bool working)
    {
        Assert.Equal(working, await db.ScalarAsync<bool>("select ref.is_working_day($1)", Day(day)));
    }

    [Theory]
    [InlineData("2025-04-28", "2025-05-06", 3)]
    [InlineData("2025-04-25", "2025-04-28", 2)]
    [InlineData("2026-02-13", "2026-02-23", 1)]
    [InlineData("2025-05-06", "2025-05-06", 0)]
    public async Task working_days_between_counts_the_end_day_but_not_the_start(string from, string to, int expected)
    {
        Assert.Equal(expected, await db.ScalarAsync<int>("select ref.working_days_between($1, $2)", Day(from), Day(to)));
    }

    [Fact]
    public async Task adding_a_negative_number_of_working_days_is_refused()
    {
        await Assert.ThrowsAsync<PostgresException>(() => db.ScalarAsync<DateOnly>("select ref.add_working_days($1, -1)", Day("2025-05-05")));
    }

    [Fact]
    public async Task a_unit_reached_by_two_paths_is_returned_once_and_an_undone_rename_ends_where_it_started()
    {
        await InRolledBackTransactionAsync(async (connection, transaction) =>
        {
            await LandDatabase.ScalarAsync<int>(connection, transaction, """
                insert into ref.admin_unit_successions (old_code, new_code, effective_on) values
                  ('91001', '91002', date '2025-07-01'), ('91001', '91003', date '2025-07-01'), ('91002', '91003', date '2026-01-01'),
                  ('92001', '92002', date '2025-07-01'), ('92002', '92001', date '2026-01-01')
                """);
            Assert.Equal(["91002", "91003"], await SuccessorsAsync(connection, transaction, "91001", new DateOnly(2025, 8, 1)));
            Assert.Equal(["91003"], await SuccessorsAsync(connection, transaction, "91001", new DateOnly(2026, 2, 1)));
            Assert.Equal(["92002"], await SuccessorsAsync(connection, transaction, "92001", new DateOnly(2025, 8, 1)));
            Assert.Equal(["92001"], await SuccessorsAsync(connection, transaction, "92001", new DateOnly(2026, 2, 1)));
        });
    }

    private async Task<string[]> SuccessorsAsync(NpgsqlConnection? connection, NpgsqlTransaction? transaction, string code, DateOnly on)
    {
        const string sql = "select array(select ref.successors_on($1, $2) order by 1)";
        if (connection is null)
        {
            return await db.ScalarAsync<string[]>(sql, code, on);
        }
        return await LandDatabase.ScalarAsync<string[]>(connection, transaction, sql, code, on);
    }

    // Tests that add reference rows roll them back: the class shares one database.
    private async Task InRolledBackTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> body)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await body(connection, transaction);
        await transaction.RollbackAsync();
    }
}

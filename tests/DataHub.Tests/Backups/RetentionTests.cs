using DataHub.Api.Backups;

namespace DataHub.Tests.Backups;

public sealed class RetentionTests
{
    [Fact]
    public void ninety_daily_backups_keep_the_newest_of_the_last_seven_days_four_weeks_and_twelve_months_and_nothing_else()
    {
        // One backup a day at 01:30 local (18:30 UTC the day before), 1 January to 31 March 2025.
        var backups = Enumerable.Range(0, 90)
            .Select(d => new DateTimeOffset(2024, 12, 31, 18, 30, 0, TimeSpan.Zero).AddDays(d))
            .Select(at => (Id: BackupManifest.NewId(at), At: at)).ToList();
        var kept = Retention.Keep(backups, new BackupSettings.RetentionSettings { Daily = 7, Weekly = 4, Monthly = 12 });

        var local = kept.Select(id => backups.Single(b => b.Id == id).At.ToOffset(TimeSpan.FromHours(7)).Date).Order().ToList();
        // Daily: 25-31 March; weekly: the newest of the last four ISO weeks (31 March is a Monday,
        // so 31, 30, 23 and 16 March); monthly: the last day of January and February (March's is kept).
        Assert.Equal(
            [new DateTime(2025, 1, 31), new DateTime(2025, 2, 28), new DateTime(2025, 3, 16), new DateTime(2025, 3, 23),
             .. Enumerable.Range(25, 7).Select(d => new DateTime(2025, 3, d))],
            local);
    }

    [Fact]
    public void a_backup_id_carries_its_start_time()
    {
        var at = new DateTimeOffset(2025, 6, 1, 18, 30, 0, 123, TimeSpan.Zero);
        Assert.Equal("datahub-20250601T183000123Z", BackupManifest.NewId(at));
        Assert.True(BackupManifest.TryParseId("datahub-20250601T183000123Z", out var parsed));
        Assert.Equal(at, parsed);
        Assert.False(BackupManifest.TryParseId("something-else", out _));
    }
}

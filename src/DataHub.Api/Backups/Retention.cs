using System.Globalization;

namespace DataHub.Api.Backups;

/// <summary>
/// Which backups to keep: the newest of each of the last N days, ISO weeks and months that have
/// one (grandfather-father-son), plus the newest overall. Everything else may go.
/// </summary>
public static class Retention
{
    public static IReadOnlySet<string> Keep(IEnumerable<(string Id, DateTimeOffset At)> backups, BackupSettings.RetentionSettings keep)
    {
        var newestFirst = backups.OrderByDescending(b => b.At).ToList();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        if (newestFirst.Count > 0)
        {
            kept.Add(newestFirst[0].Id);
        }
        KeepNewestPer(newestFirst, b => b.At.ToOffset(LocalOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), keep.Daily, kept);
        KeepNewestPer(newestFirst, b =>
        {
            var local = b.At.ToOffset(LocalOffset).DateTime;
            return $"{ISOWeek.GetYear(local)}-W{ISOWeek.GetWeekOfYear(local)}";
        }, keep.Weekly, kept);
        KeepNewestPer(newestFirst, b => b.At.ToOffset(LocalOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture), keep.Monthly, kept);
        return kept;
    }

    // Days begin at local midnight in the province (UTC+7, no daylight saving).
    private static readonly TimeSpan LocalOffset = TimeSpan.FromHours(7);

    private static void KeepNewestPer(List<(string Id, DateTimeOffset At)> newestFirst, Func<(string Id, DateTimeOffset At), string> period, int count, HashSet<string> kept)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backup in newestFirst)
        {
            if (seen.Count >= count)
            {
                break;
            }
            if (seen.Add(period(backup)))
            {
                kept.Add(backup.Id);
            }
        }
    }
}

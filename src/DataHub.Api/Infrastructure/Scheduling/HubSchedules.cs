using Quartz;

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>The schedules hub jobs use, read from settings such as "02:30" and "00:05:00".</summary>
public static class HubSchedules
{
    /// <summary>The province's time zone: daily jobs run at local times there.</summary>
    public static TimeZoneInfo LocalZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    /// <summary>Every day at a local time (Asia/Ho_Chi_Minh).</summary>
    public static IScheduleBuilder DailyAt(TimeOnly at) =>
        CronScheduleBuilder.Create($"0 {at.Minute} {at.Hour} * * ?").InTimeZone(LocalZone);

    /// <summary>Every interval, from now on.</summary>
    public static IScheduleBuilder Every(TimeSpan interval) =>
        SimpleScheduleBuilder.Create().WithInterval(interval).RepeatForever();

    /// <summary>A setting "HH:mm" (local time) as a daily schedule.</summary>
    public static IScheduleBuilder DailySetting(IConfiguration configuration, string key, string fallback)
    {
        var text = configuration[key] is { Length: > 0 } set ? set : fallback;
        return TimeOnly.TryParseExact(text, "HH:mm", out var at)
            ? DailyAt(at)
            : throw new InvalidOperationException($"{key} must be a local time HH:mm (Asia/Ho_Chi_Minh), not '{text}'.");
    }
}

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

    /// <summary>A setting "HH:mm" (local time, already checked by <see cref="LocalTimeAttribute"/>) as a daily schedule.</summary>
    public static IScheduleBuilder DailySetting(string at) =>
        DailyAt(TimeOnly.ParseExact(at, "HH:mm", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A daily time setting: HH:mm, local time (Asia/Ho_Chi_Minh), checked at start.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LocalTimeAttribute : System.ComponentModel.DataAnnotations.RegularExpressionAttribute
{
    public LocalTimeAttribute() : base("^([01][0-9]|2[0-3]):[0-5][0-9]$") =>
        ErrorMessage = "must be a local time HH:mm (Asia/Ho_Chi_Minh).";
}

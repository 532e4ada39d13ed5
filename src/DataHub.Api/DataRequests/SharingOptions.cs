using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.DataRequests;

/// <summary>Settings under "Sharing" (special-request sharing).</summary>
public sealed class SharingOptions
{
    /// <summary>Working days (holiday calendar included) from filing to the decision deadline.</summary>
    [Range(1, 365, ErrorMessage = "must be from 1 to 365.")]
    public int DecisionWorkingDays { get; set; } = 10;

    /// <summary>Requests per hour through a grant when the reviewers set none.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int DefaultRateLimitPerHour { get; set; } = 1000;

    /// <summary>The longest access period a request may ask for.</summary>
    [Range(1, 36_500, ErrorMessage = "must be from 1 to 36500.")]
    public int MaxPeriodDays { get; set; } = 731;

    /// <summary>How long the file of a grant's one-off extract can be downloaded once it is made.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "must be from 00:00:01 to 3650.00:00:00 (days.hours:minutes:seconds).")]
    public TimeSpan ExtractLifetime { get; set; } = TimeSpan.FromDays(7);
}

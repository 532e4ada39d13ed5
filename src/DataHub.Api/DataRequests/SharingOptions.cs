namespace DataHub.Api.DataRequests;

/// <summary>Settings under "Sharing" (special-request sharing).</summary>
public sealed class SharingOptions
{
    /// <summary>Working days (holiday calendar included) from filing to the decision deadline.</summary>
    public int DecisionWorkingDays { get; set; } = 10;

    /// <summary>Requests per hour through a grant when the reviewers set none.</summary>
    public int DefaultRateLimitPerHour { get; set; } = 1000;

    /// <summary>The longest access period a request may ask for.</summary>
    public int MaxPeriodDays { get; set; } = 731;

    /// <summary>How long the file of a grant's one-off extract can be downloaded once it is made.</summary>
    public TimeSpan ExtractLifetime { get; set; } = TimeSpan.FromDays(7);
}

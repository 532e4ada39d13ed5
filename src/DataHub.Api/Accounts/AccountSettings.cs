using DataHub.Api.Infrastructure.Scheduling;

namespace DataHub.Api.Accounts;

/// <summary>The Accounts section of the settings, checked at start.</summary>
public sealed class AccountSettings
{
    /// <summary>Local time (Asia/Ho_Chi_Minh) of the daily departures job, HH:mm: shortly after midnight, so rights end on the day.</summary>
    [LocalTime]
    public string DeparturesAt { get; set; } = "00:05";
}

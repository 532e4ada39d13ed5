using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.Reports;

/// <summary>The Reports section of the settings, checked at start.</summary>
public sealed class ReportSettings
{
    /// <summary>How often the worker looks whether the land data changed and rebuilds the facts; 0 turns it off.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must be 0 (off) or more.")]
    public int FactsRefreshSeconds { get; set; } = 60;
}

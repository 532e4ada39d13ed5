using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.Dossiers;

/// <summary>The Dossiers section of the settings, checked at start.</summary>
public sealed class DossierSettings
{
    /// <summary>The largest document a dossier may carry (decoded from base64).</summary>
    [Range(1d, long.MaxValue, ErrorMessage = "must be at least 1.")]
    public long MaxDocumentBytes { get; set; } = 20L << 20;
}

using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace DataHub.Api.Backups;

/// <summary>Stored beside each dump as {id}.manifest.json: what the dump holds and how to check it.</summary>
public sealed record BackupManifest(
    string Id, string Database, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, long SizeBytes, string Sha256,
    string Format, string? MigrationVersion, int MigrationsApplied, string HubVersion, string ServerVersion,
    IReadOnlyList<TableFingerprints.Table> Tables, BackupManifest.AuditLink? AuditHead = null)
{
    public const string DumpSuffix = ".dump";
    public const string ManifestSuffix = ".manifest.json";
    public const string PartialSuffix = ".partial";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string CurrentHubVersion { get; } =
        typeof(BackupManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>A backup's id (and file name stem) from its start time: datahub-20250601T183000123Z.</summary>
    public static string NewId(DateTimeOffset startedAt) =>
        "datahub-" + startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParseId(string id, out DateTimeOffset startedAt) =>
        DateTimeOffset.TryParseExact(id.StartsWith("datahub-", StringComparison.Ordinal) ? id[8..] : "", "yyyyMMdd'T'HHmmssfff'Z'",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out startedAt);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>
    /// The audit chain's last link when the dump was taken. The manifest lives on another
    /// server, so a chain rewritten later in the database no longer matches it
    /// (`audit verify --manifest`).
    /// </summary>
    public sealed record AuditLink(long Seq, string Hash);

    public static BackupManifest Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<BackupManifest>(json, Json) ?? throw new BackupException("empty manifest");
}

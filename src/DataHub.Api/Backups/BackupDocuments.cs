using System.Text.Json;
using DataHub.Api.Collections;

namespace DataHub.Api.Backups;

/// <summary>Where backups go, and whether that meets the regulation.</summary>
public sealed record BackupTargetInfo(string Location, bool MeetsRegulation, string? Warning);

/// <summary>One backup run: status running, succeeded, failed or removed (by retention).</summary>
public sealed record BackupSummary(
    string Id, string Status, string Trigger, string Target, bool MeetsRegulation, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    long? SizeBytes, string? Sha256, DateTimeOffset? VerifiedAt, string? Error, DateTimeOffset? RemovedAt, JsonElement? Manifest,
    IReadOnlyList<OgcLink> Links);

/// <summary>One restore drill: status running, passed or failed.</summary>
public sealed record DrillSummary(
    long Id, string? BackupId, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string ScratchDatabase, int? Tables,
    IReadOnlyList<string>? Mismatches, string? Error);

/// <summary>The latest backups and drills, newest first.</summary>
public sealed record BackupList(BackupTargetInfo Target, IReadOnlyList<BackupSummary> Backups, IReadOnlyList<DrillSummary> Drills,
    IReadOnlyList<OgcLink> Links);

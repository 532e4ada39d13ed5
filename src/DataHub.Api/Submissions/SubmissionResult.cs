using System.Text.Json.Serialization;
using DataHub.Api.Collections;

namespace DataHub.Api.Submissions;

/// <summary>What a submission did, or why it did nothing.</summary>
public sealed record SubmissionResult(
    Guid Id, string Dataset, string Structure, string Status, string Mode, int Received, int Inserted, int Updated, int Unchanged,
    int Retired, int Rejected, int ProblemCount, IReadOnlyList<SubmissionProblem> Problems,
    DateTimeOffset ReceivedAt, DateTimeOffset? FinishedAt, int? RecordsRead, IReadOnlyList<OgcLink> Links)
{
    [JsonIgnore]
    public bool Applied => Status == "applied";

    [JsonIgnore]
    public bool Waiting => Status is "received" or "processing";
}

/// <summary>A reason to refuse the whole body before any record is looked at.</summary>
public sealed class SubmissionRefusedException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

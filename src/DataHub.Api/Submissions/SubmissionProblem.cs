namespace DataHub.Api.Submissions;

/// <summary>One thing wrong with one record: its index in the batch, its id if it had one, where, and what.</summary>
public sealed record SubmissionProblem(int Record, string? Id, string Path, string Message);

/// <summary>Keeps the first problems in full and counts the rest, so a batch of bad records cannot fill memory.</summary>
public sealed class ProblemList(int keep = 1000)
{
    private readonly List<SubmissionProblem> kept = [];
    private readonly HashSet<int> records = [];

    public int Count { get; private set; }
    public IReadOnlyList<SubmissionProblem> Kept => kept;
    public IReadOnlySet<int> Records => records;

    // Records are checked on several threads at once.
    public void Add(SubmissionProblem problem)
    {
        lock (kept)
        {
            Count++;
            records.Add(problem.Record);
            if (kept.Count < keep)
            {
                kept.Add(problem);
            }
        }
    }

    /// <summary>The kept problems in record order, then by field.</summary>
    public IReadOnlyList<SubmissionProblem> Ordered()
    {
        lock (kept)
        {
            return [.. kept.OrderBy(p => p.Record).ThenBy(p => p.Path, StringComparer.Ordinal)];
        }
    }
}

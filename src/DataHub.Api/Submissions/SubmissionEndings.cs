namespace DataHub.Api.Submissions;

/// <summary>
/// Tells the status requests waiting in this process (Prefer: wait) that a submission applied
/// here has ended, so they answer at once rather than at their next look. Endings in other hub
/// processes are not told: the waiting requests also look again every second.
/// </summary>
public sealed class SubmissionEndings
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next ending. Take it before reading a status, so an ending in between is not missed.</summary>
    public Task Next => Volatile.Read(ref next).Task;

    public void Ended() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

namespace DataHub.Api.Submissions;

/// <summary>
/// Wakes this process's submission worker as soon as a submission has been accepted here, instead
/// of leaving it to the next poll. Other hub processes still find it by polling: the signal only
/// saves the wait, the database remains the queue.
/// </summary>
public sealed class SubmissionSignal : IDisposable
{
    private readonly SemaphoreSlim waiting = new(0, 1);

    public void Notify()
    {
        try
        {
            waiting.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the worker will look once more anyway.
        }
    }

    /// <summary>Waits for a signal or the poll interval, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan poll, CancellationToken ct) => waiting.WaitAsync(poll, ct);

    public void Dispose() => waiting.Dispose();
}

namespace DataHub.Api.Infrastructure.Scheduling;

/// <summary>
/// Wakes this process's <typeparamref name="TWorker"/> as soon as work has been queued here,
/// instead of leaving it to the worker's next poll. Other hub processes still find the work by
/// polling: the signal only saves the wait, the database remains the queue.
/// </summary>
public sealed class Wakeup<TWorker> : IDisposable
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

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// Lets a status request that prefers to wait (Prefer: wait=N) answer as soon as the work it
/// watches has ended. <typeparamref name="TWork"/> names the kind of work (one instance per
/// kind). Work that ends in this process says so through <see cref="Ended"/>; work that ends in
/// another hub process is seen by looking again every second.
/// </summary>
public sealed class Endings<TWork>
{
    private static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(1);
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Ended() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Reads the state, and reads it again after each ending here (or each second) while
    /// <paramref name="going"/> holds and <paramref name="wait"/> has not run out.
    /// </summary>
    public async Task<TState> WaitAsync<TState>(TimeSpan wait, Func<CancellationToken, Task<TState>> read, Func<TState, bool> going, CancellationToken ct)
    {
        var until = DateTime.UtcNow + wait;
        // Taken before each read, so an ending between the read and the wait is not missed.
        var ended = Volatile.Read(ref next).Task;
        var state = await read(ct);
        while (going(state) && until - DateTime.UtcNow is { Ticks: > 0 } left)
        {
            await Task.WhenAny(ended, Task.Delay(left < LookAgain ? left : LookAgain, ct));
            ct.ThrowIfCancellationRequested();
            ended = Volatile.Read(ref next).Task;
            state = await read(ct);
        }
        return state;
    }
}

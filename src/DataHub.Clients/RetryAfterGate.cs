using System.Net;

namespace DataHub.Clients;

/// <summary>
/// Keeps every request of one client behind a partner's last <c>Retry-After</c> (on a 429 or
/// 503): requests sent side by side wait together instead of each earning its own 429. A wait
/// longer than <paramref name="longestWait"/> is not waited out in the request: it is answered
/// at once with a 429 carrying the remaining time, for the caller to schedule.
/// </summary>
/// <param name="timeProvider">The clock.</param>
/// <param name="longestWait">The longest wait taken inside a request.</param>
/// <param name="state">The client's gate, shared by every handler chain of the client.</param>
public sealed class RetryAfterGate(TimeProvider timeProvider, TimeSpan longestWait, RetryAfterGateState state) : DelegatingHandler
{

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var wait = new DateTimeOffset(Interlocked.Read(ref state.NotBeforeTicks), TimeSpan.Zero) - timeProvider.GetUtcNow();
        if (wait > longestWait)
        {
            var refused = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { RequestMessage = request, ReasonPhrase = "Retry-After of an earlier answer still runs" };
            refused.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)));
            return refused;
        }
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken);
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is { } header)
        {
            var until = header.Delta is { } delta ? timeProvider.GetUtcNow() + delta : header.Date ?? timeProvider.GetUtcNow();
            // Only ever moved later: an earlier, shorter Retry-After does not cut a longer one short.
            long seen;
            do
            {
                seen = Interlocked.Read(ref state.NotBeforeTicks);
            }
            while (until.UtcTicks > seen && Interlocked.CompareExchange(ref state.NotBeforeTicks, until.UtcTicks, seen) != seen);
        }
        return response;
    }
}

/// <summary>When one client's partner may be asked again (UTC ticks).</summary>
public sealed class RetryAfterGateState
{
    /// <summary>UTC ticks before which no request is sent.</summary>
#pragma warning disable CA1051 // a field, for Interlocked
    public long NotBeforeTicks;
#pragma warning restore CA1051
}

namespace PartnerReceiver;

/// <summary>
/// The faults the receiver plays, switched at start (Faults:* settings) or at run time
/// (PUT /admin/faults). Rates are shares of requests, between 0 and 1.
/// </summary>
public sealed record Faults
{
    /// <summary>Share of requests answered 503 before anything is read.</summary>
    public double FailureRate { get; init; }

    /// <summary>Share of requests answered 429 with Retry-After: RetryAfterSeconds.</summary>
    public double ThrottleRate { get; init; }

    /// <summary>The next N requests are answered 429 (deterministic, for tests and demos).</summary>
    public int ThrottleNext { get; init; }

    public int RetryAfterSeconds { get; init; } = 2;

    /// <summary>Added before a request is handled.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Share of requests whose connection is dropped without an answer.</summary>
    public double DropRate { get; init; }

    /// <summary>Added after a batch is applied, before the answer (the sender may time out and send it again).</summary>
    public int SlowAckMs { get; init; }

    /// <summary>Records (by key) refused on every send, as if the partner's own validation rejected them.</summary>
    public IReadOnlyList<string> RejectKeys { get; init; } = [];

    /// <summary>Requests must carry a bearer token from POST /token (OAuth2 client credentials).</summary>
    public bool RequireToken { get; init; }
}

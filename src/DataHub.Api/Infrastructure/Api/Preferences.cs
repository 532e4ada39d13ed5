using Microsoft.Net.Http.Headers;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// The request's Prefer header (RFC 7240): preferences are hints, so one that cannot be read is
/// ignored rather than refused, as the RFC asks.
/// </summary>
public static class Preferences
{
    public static bool RespondAsync(string? prefer) => Find(prefer, "respond-async") is not null;

    /// <summary>wait=N: how long the client is willing to wait for the answer, at most <paramref name="max"/>.</summary>
    public static TimeSpan? Wait(string? prefer, TimeSpan max) =>
        Find(prefer, "wait") is { Value: { } value }
        && int.TryParse(HeaderUtilities.RemoveQuotes(value), out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds))
            : null;

    /// <summary>Says, in Preference-Applied, how long the answer would have waited.</summary>
    public static void WaitApplied(HttpResponse response, TimeSpan wait) =>
        response.Headers["Preference-Applied"] = $"wait={wait.TotalSeconds:0}";

    // prefer: the Prefer header's values, joined by commas.
    private static NameValueHeaderValue? Find(string? prefer, string name)
    {
        // A preference may carry parameters after ';' (RFC 7240 section 2); none used here needs them.
        var preferences = (prefer ?? "").Split(',').Select(p => p.Split(';')[0].Trim());
        foreach (var preference in preferences)
        {
            if (NameValueHeaderValue.TryParse(preference, out var parsed)
                && parsed.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return parsed;
            }
        }
        return null;
    }
}

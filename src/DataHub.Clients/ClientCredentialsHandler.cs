using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace DataHub.Clients;

/// <summary>
/// Adds an OAuth2 bearer token (client-credentials grant, RFC 6749 section 4.4) to every request,
/// taking a new one shortly before the cached one expires or after the partner answers 401.
/// </summary>
/// <param name="connection">The token endpoint and client credentials.</param>
/// <param name="tokenClient">Used for the token endpoint only.</param>
/// <param name="timeProvider">The clock (tests may replace it).</param>
public sealed class ClientCredentialsHandler(PartnerConnection connection, HttpClient tokenClient, TimeProvider timeProvider) : DelegatingHandler
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset expires;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            token = null; // revoked or rotated: the next attempt asks for a new one
        }
        return response;
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (token is { } current && timeProvider.GetUtcNow() < expires)
        {
            return current;
        }
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (token is { } fresh && timeProvider.GetUtcNow() < expires)
            {
                return fresh;
            }
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = connection.ClientId!,
                ["client_secret"] = connection.ClientSecret!,
            };
            if (!string.IsNullOrEmpty(connection.Scope))
            {
                form["scope"] = connection.Scope;
            }
            using var content = new FormUrlEncodedContent(form);
            using var response = await tokenClient.PostAsync(connection.TokenUrl, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the token endpoint {connection.TokenUrl} answered {(int)response.StatusCode}", null, response.StatusCode);
            }
            var answer = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new HttpRequestException($"the token endpoint {connection.TokenUrl} answered no token");
            token = answer.AccessToken;
            // Renew a minute early (or halfway for short-lived tokens) so a request never carries an expired one.
            var lifetime = TimeSpan.FromSeconds(Math.Max(answer.ExpiresIn ?? 300, 2));
            expires = timeProvider.GetUtcNow() + (lifetime > TimeSpan.FromMinutes(2) ? lifetime - TimeSpan.FromMinutes(1) : lifetime / 2);
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}

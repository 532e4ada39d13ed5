using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataHub.Tests.Accounts;

public sealed class TokenTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private static readonly string Operator = $"account:{TestPrincipals.OperatorId}";

    private static string Craft(string issuer = "datahub", string audience = "datahub-api", DateTime? expires = null, string? key = null)
    {
        var now = DateTime.UtcNow;
        var end = expires ?? now.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = end.AddMinutes(-20),
            NotBefore = end.AddMinutes(-20),
            Expires = end,
            Claims = new Dictionary<string, object> { ["sub"] = Operator, ["epoch"] = 1 },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key ?? TestPrincipals.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<string> RefusedAsync(string token)
    {
        using var client = hub.CreateClientWithToken(token);
        var problem = await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections"), HttpStatusCode.Unauthorized);
        return problem.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task a_token_crafted_like_the_hubs_own_is_accepted_so_the_refusals_below_are_about_what_they_change()
    {
        using var client = hub.CreateClientWithToken(Craft());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/collections")).StatusCode);
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_refused() =>
        Assert.Contains("signature", await RefusedAsync(Craft(key: Convert.ToBase64String(Encoding.UTF8.GetBytes("another-key-another-key-another-key!!")))));

    [Fact]
    public async Task an_expired_token_is_refused() =>
        Assert.Contains("expired", await RefusedAsync(Craft(expires: DateTime.UtcNow.AddMinutes(-5))));

    [Fact]
    public async Task a_token_for_another_audience_or_from_another_issuer_is_refused()
    {
        Assert.Contains("audience", await RefusedAsync(Craft(audience: "some-other-api")));
        Assert.Contains("issuer", await RefusedAsync(Craft(issuer: "someone-else")));
    }

    [Fact]
    public async Task an_unsigned_alg_none_token_is_refused()
    {
        static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var payload = JsonSerializer.Serialize(new { sub = Operator, epoch = 1, iss = "datahub", aud = "datahub-api", exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds() });
        await RefusedAsync($"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64(payload)}.");
    }

    [Fact]
    public async Task a_token_signed_with_the_right_key_but_another_algorithm_is_refused()
    {
        // HS512 with the hub's own key: a valid signature, but not the algorithm the hub uses.
        var payload = JsonSerializer.Serialize(new { sub = Operator, epoch = 1, iss = "datahub", aud = "datahub-api", exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds() });
        var unsigned = $"{B64(Encoding.UTF8.GetBytes("{\"alg\":\"HS512\",\"typ\":\"JWT\"}"))}.{B64(Encoding.UTF8.GetBytes(payload))}";
        var signature = System.Security.Cryptography.HMACSHA512.HashData(Convert.FromBase64String(TestPrincipals.SigningKey), Encoding.ASCII.GetBytes(unsigned));
        await RefusedAsync($"{unsigned}.{B64(signature)}");
    }

    private static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    [Fact]
    public async Task a_revoked_account_is_refused_on_its_next_request()
    {
        var id = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "r" + Guid.NewGuid().ToString("N")[..8], "snnmt-dn", ["reader"]);
        using var person = hub.CreateClientWithToken(TestPrincipals.Token($"account:{id}"));
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/api/v1/collections")).StatusCode);
        using var admin = hub.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/accounts/{id}/revocation", JsonContent("""{"reason":"left the department"}"""))).StatusCode);
        var problem = await Problems.AssertProblemAsync(await person.GetAsync("/api/v1/collections"), HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_client_exchanges_its_secret_for_a_scoped_token_until_rotated_or_revoked()
    {
        using var admin = hub.CreateClient();
        var clientId = "gis-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsync("/api/v1/clients", JsonContent(JsonSerializer.Serialize(new
        {
            clientId, name = "GIS của Sở Xây dựng", unitCode = "snnmt-dn",
            roles = new object[] { new { role = "reader" }, new { role = "data-steward", datasetId = "parcels" } },
        })));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        // Only the hash is stored.
        Assert.DoesNotContain(secret, JsonDocument.Parse(await admin.GetStringAsync("/api/v1/clients")).RootElement.ToString());

        var token = await TokenAsync(clientId, secret, "data.read");
        using (var client = hub.CreateClientWithToken(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/collections")).StatusCode);
            // The token carries only the scope asked for: not data.submit, though the roles give it.
            var me = JsonDocument.Parse(await client.GetStringAsync("/api/v1/auth/me")).RootElement;
            var rights = me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToList();
            Assert.Contains("data.read", rights);
            Assert.All(rights, r => Assert.StartsWith("data.read", r));
        }
        var beyond = await Problems.AssertProblemAsync(await RequestTokenAsync(clientId, secret, "accounts.manage"), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_scope", beyond.GetProperty("error").GetString());
        var wrong = await Problems.AssertProblemAsync(await RequestTokenAsync(clientId, secret + "x", null), HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", wrong.GetProperty("error").GetString());

        var rotated = await admin.PostAsync($"/api/v1/clients/{clientId}/secret", null);
        var newSecret = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        Assert.Contains("rotated", await RefusedAsync(token));
        await Problems.AssertProblemAsync(await RequestTokenAsync(clientId, secret, null), HttpStatusCode.Unauthorized);
        var fresh = await TokenAsync(clientId, newSecret, null);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/clients/{clientId}/revocation", null)).StatusCode);
        Assert.Contains("revoked", await RefusedAsync(fresh));
        await Problems.AssertProblemAsync(await RequestTokenAsync(clientId, newSecret, null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task the_token_endpoint_accepts_http_basic_and_refuses_other_grants()
    {
        using var anonymous = hub.CreateAnonymousClient();
        var password = await anonymous.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }));
        var problem = await Problems.AssertProblemAsync(password, HttpStatusCode.BadRequest);
        Assert.Equal("unsupported_grant_type", problem.GetProperty("error").GetString());

        using var admin = hub.CreateClient();
        var clientId = "basic-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsync("/api/v1/clients", JsonContent(JsonSerializer.Serialize(new { clientId, name = "IOC", unitCode = "ioc-dn", roles = new[] { new { role = "reader" } } })));
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private async Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret, string? scope)
    {
        using var anonymous = hub.CreateAnonymousClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        return await anonymous.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(form));
    }

    private async Task<string> TokenAsync(string clientId, string secret, string? scope)
    {
        var response = await RequestTokenAsync(clientId, secret, scope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");
}

using System.Net;
using System.Text;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Accounts;

/// <summary>
/// The same account, client, unit or set of roles written by several requests at once: they take
/// turns, so one makes it and the others get the answer they would get one after another (409,
/// 400 or the same replacement), never a 500 from a unique index.
/// </summary>
public sealed class ConcurrentWritesTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private const int Rounds = 4, AtOnce = 4;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<HttpStatusCode[]> AtOnceAsync(Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        var clients = Enumerable.Range(0, AtOnce).Select(_ => hub.CreateClient()).ToList();
        var answers = await Task.WhenAll(clients.Select(send));
        clients.ForEach(c => c.Dispose());
        return [.. answers.Select(a => a.StatusCode).Order()];
    }

    [Fact]
    public async Task the_same_new_account_or_client_sent_at_once_is_made_once_and_the_others_are_told_it_exists()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var accounts = await AtOnceAsync(c => c.PostAsync("/api/v1/accounts", Json($$"""
                {"username": "race{{round}}", "displayName": "A", "unitCode": "snnmt-dn", "position": "p", "roles": [{"role": "reader"}]}
                """)));
            Assert.Equal([HttpStatusCode.Created, .. Enumerable.Repeat(HttpStatusCode.Conflict, AtOnce - 1)], accounts);

            var clients = await AtOnceAsync(c => c.PostAsync("/api/v1/clients", Json($$"""
                {"clientId": "race-{{round}}", "name": "A", "unitCode": "snnmt-dn", "roles": [{"role": "reader"}]}
                """)));
            Assert.Equal([HttpStatusCode.Created, .. Enumerable.Repeat(HttpStatusCode.Conflict, AtOnce - 1)], clients);
        }
    }

    [Fact]
    public async Task roles_replaced_by_several_requests_at_once_end_as_the_one_set_they_all_gave()
    {
        using var admin = hub.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/clients", Json("""{"clientId": "roles-race", "name": "A", "unitCode": "snnmt-dn", "roles": []}"""))).StatusCode);
        for (var round = 0; round < Rounds; round++)
        {
            var answers = await AtOnceAsync(c => c.PutAsync("/api/v1/clients/roles-race/roles", Json("""[{"role": "reader"}, {"role": "auditor"}]""")));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        }
        var client = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/clients")).RootElement.EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == "roles-race");
        Assert.Equal(["auditor", "reader"], client.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("role").GetString()).Order());
    }

    [Fact]
    public async Task the_same_new_unit_sent_at_once_is_made_once()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var answers = await AtOnceAsync(c => c.PostAsync("/api/v1/units", Json($$"""
                {"code": "race-unit-{{round}}", "name": "A", "kind": "division", "parentCode": "snnmt-dn", "validFrom": "2026-01-01"}
                """)));
            Assert.Equal([HttpStatusCode.Created, .. Enumerable.Repeat(HttpStatusCode.BadRequest, AtOnce - 1)], answers);
        }
    }

    [Fact]
    public async Task an_id_with_a_line_break_at_its_end_is_refused()
    {
        using var admin = hub.CreateClient();
        var client = await Problems.AssertProblemAsync(await admin.PostAsync("/api/v1/clients", Json("""{"clientId": "newline\n", "name": "A", "unitCode": "snnmt-dn", "roles": []}""")), HttpStatusCode.BadRequest);
        Assert.True(client.GetProperty("errors").TryGetProperty("clientId", out _), client.ToString());
        var unit = await Problems.AssertProblemAsync(await admin.PostAsync("/api/v1/units", Json("""{"code": "newline\n", "name": "A", "kind": "division", "parentCode": "snnmt-dn", "validFrom": "2026-01-01"}""")), HttpStatusCode.BadRequest);
        Assert.True(unit.GetProperty("errors").TryGetProperty("code", out _), unit.ToString());
    }
}

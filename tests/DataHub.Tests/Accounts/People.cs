using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Accounts;

/// <summary>Accounts made and used over HTTP, as an administrator and the person would.</summary>
public static class People
{
    public const string GoodPassword = "Rừng-Cao-su-2026!";

    public sealed record Person(Guid Id, string Username, string Password);

    /// <summary>An account created by the operator through the API, with its one-time password.</summary>
    public static async Task<Person> CreateAsync(HubFixture hub, string unit = "snnmt-dn", params object[] roles)
    {
        var username = "p" + Guid.NewGuid().ToString("N")[..10];
        using var admin = hub.CreateClient();
        var response = await admin.PostAsJsonAsync("/api/v1/accounts", new { username, displayName = "Nguyễn Văn Thử", unitCode = unit, position = "chuyên viên", roles });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var created = JsonDocument.Parse(body).RootElement;
        return new Person(created.GetProperty("account").GetProperty("accountId").GetGuid(), username, created.GetProperty("initialPassword").GetString()!);
    }

    public static async Task<HttpResponseMessage> SignInAsync(HubFixture hub, string username, string password)
    {
        using var client = hub.CreateAnonymousClient();
        return await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password });
    }

    public static async Task<JsonElement> SignInOkAsync(HubFixture hub, string username, string password)
    {
        var response = await SignInAsync(hub, username, password);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<HttpResponseMessage> ChangePasswordAsync(HubFixture hub, string token, string current, string next)
    {
        using var client = hub.CreateClientWithToken(token);
        return await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = current, newPassword = next });
    }

    /// <summary>A person past the first sign-in: the password changed to <paramref name="password"/>; returns a working token.</summary>
    public static async Task<string> ActivateAsync(HubFixture hub, Person person, string password = GoodPassword)
    {
        var first = await SignInOkAsync(hub, person.Username, person.Password);
        var changed = await ChangePasswordAsync(hub, first.GetProperty("accessToken").GetString()!, person.Password, password);
        var body = await changed.Content.ReadAsStringAsync();
        Assert.True(changed.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
    }

    public static async Task ExecuteAsync(HubFixture hub, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(hub.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }
}

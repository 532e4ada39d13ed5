using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Accounts;

/// <summary>Tampering is simulated as a database superuser would do it: triggers off, then an update or delete.</summary>
public abstract class AuditTamperingTests(HubFixture fixture)
{
    protected HubFixture Hub => fixture;

    protected async Task<JsonElement> VerifyAsync()
    {
        using var admin = Hub.CreateClient();
        return JsonDocument.Parse(await admin.GetStringAsync("/api/v1/audit/verification")).RootElement;
    }

    protected async Task<long> MakeEntriesAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await People.SignInAsync(Hub, "nobody-" + i, "Wrong-1!");
        }
        var verification = await VerifyAsync();
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.True(verification.GetProperty("checked").GetInt64() >= 3);
        return verification.GetProperty("checked").GetInt64();
    }

    protected async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Hub.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql}; set session_replication_role = origin;", connection);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class AuditEditedEntryTests(HubFixture hub) : AuditTamperingTests(hub), IClassFixture<HubFixture>
{
    [Fact]
    public async Task an_edited_audit_entry_is_reported_as_the_first_broken_link()
    {
        await MakeEntriesAsync();
        await TamperAsync("update audit.entries set target = 'someone-else' where seq = 2");
        var verification = await VerifyAsync();
        Assert.False(verification.GetProperty("intact").GetBoolean());
        Assert.Equal(2, verification.GetProperty("brokenAt").GetInt64());
        Assert.Contains("altered", verification.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task the_audit_trail_refuses_updates_and_deletes_from_the_hubs_own_connections()
    {
        await using var connection = new NpgsqlConnection(Hub.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("delete from audit.entries", connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.MessageText);
    }
}

public sealed class AuditDeletedEntryTests(HubFixture hub) : AuditTamperingTests(hub), IClassFixture<HubFixture>
{
    [Fact]
    public async Task a_deleted_audit_entry_is_reported_as_missing_and_so_is_a_deleted_last_entry()
    {
        var count = await MakeEntriesAsync();
        await TamperAsync($"delete from audit.entries where seq = {count}");
        var tail = await VerifyAsync();
        Assert.False(tail.GetProperty("intact").GetBoolean());
        Assert.Contains("missing", tail.GetProperty("problem").GetString());

        await TamperAsync("delete from audit.entries where seq = 2");
        var middle = await VerifyAsync();
        // The link broken is entry 3's: the entry before it is gone.
        Assert.Equal(3, middle.GetProperty("brokenAt").GetInt64());
        Assert.Contains("entry 2 is missing", middle.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task sign_in_refusals_are_audited_without_the_password()
    {
        await People.SignInAsync(Hub, "audited-user", "Secret-Password-9!");
        using var admin = Hub.CreateClient();
        var page = await admin.GetStringAsync("/api/v1/audit?action=sign-in.refused&target=audited-user");
        var entry = Assert.Single(JsonDocument.Parse(page).RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal("unknown username", entry.GetProperty("details").GetProperty("reason").GetString());
        Assert.DoesNotContain("Secret-Password-9!", page);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/audit?limit=1")).StatusCode);
    }
}

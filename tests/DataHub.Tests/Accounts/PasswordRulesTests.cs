using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Accounts;

public sealed class PasswordRulesTests(HubFixture hub) : IClassFixture<HubFixture>
{
    [Fact]
    public async Task a_new_account_can_do_nothing_but_change_its_initial_password()
    {
        var person = await People.CreateAsync(hub, roles: new { role = "reader" });
        var first = await People.SignInOkAsync(hub, person.Username, person.Password);
        Assert.True(first.GetProperty("passwordChangeRequired").GetBoolean());
        Assert.Equal("initial", first.GetProperty("reason").GetString());
        var restricted = first.GetProperty("accessToken").GetString()!;

        using (var client = hub.CreateClientWithToken(restricted))
        {
            var problem = await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections"), HttpStatusCode.Forbidden);
            Assert.Contains("password must be changed first", problem.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/units")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
        }

        var changed = await People.ChangePasswordAsync(hub, restricted, person.Password, People.GoodPassword);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var token = JsonDocument.Parse(await changed.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
        using (var client = hub.CreateClientWithToken(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/collections")).StatusCode);
        }
        using (var stale = hub.CreateClientWithToken(restricted))
        {
            var problem = await Problems.AssertProblemAsync(await stale.GetAsync("/api/v1/auth/me"), HttpStatusCode.Unauthorized);
            Assert.Contains("changed or reset", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task each_password_rule_is_enforced_by_the_server_and_named_in_the_answer()
    {
        var person = await People.CreateAsync(hub);
        var token = (await People.SignInOkAsync(hub, person.Username, person.Password)).GetProperty("accessToken").GetString()!;
        var cases = new (string Password, string Expected)[]
        {
            ("Ab1!xyz", "at least 8 characters"),
            ("lowercase-only-1", "an upper-case letter"),
            ("UPPERCASE-ONLY-1", "a lower-case letter"),
            ("No-Digits-Here!", "a digit"),
            ("NoSpecial12345", "a special character"),
            ("P@ssw0rd2024!", "common password"),
            ("Dragon#1984xyz".Replace("xyz", ""), "common password"),
            ($"Xy9!{person.Username}", "must not contain the username"),
        };
        foreach (var (password, expected) in cases)
        {
            var problem = await Problems.AssertProblemAsync(await People.ChangePasswordAsync(hub, token, person.Password, password), HttpStatusCode.BadRequest);
            var messages = string.Join(" ", problem.GetProperty("errors").GetProperty("newPassword").EnumerateArray().Select(e => e.GetString()));
            Assert.True(messages.Contains(expected, StringComparison.Ordinal), $"'{password}': expected '{expected}' in: {messages}");
        }
        var wrongCurrent = await Problems.AssertProblemAsync(await People.ChangePasswordAsync(hub, token, "not-it", People.GoodPassword), HttpStatusCode.BadRequest);
        Assert.True(wrongCurrent.GetProperty("errors").TryGetProperty("currentPassword", out _));
        // Still the initial password: nothing was changed by the refused attempts.
        await People.SignInOkAsync(hub, person.Username, person.Password);
    }

    [Fact]
    public async Task the_last_five_passwords_cannot_be_reused()
    {
        var person = await People.CreateAsync(hub);
        var passwords = Enumerable.Range(1, 5).Select(i => $"Đất-đai-{i}-Xanh!").ToList();
        var (current, token) = (person.Password, (await People.SignInOkAsync(hub, person.Username, person.Password)).GetProperty("accessToken").GetString()!);
        foreach (var next in passwords.Take(4))
        {
            var changed = await People.ChangePasswordAsync(hub, token, current, next);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            (current, token) = (next, JsonDocument.Parse(await changed.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!);
        }
        // The initial password and the four since are the last five: all refused.
        foreach (var old in passwords.Take(4).Prepend(person.Password))
        {
            var problem = await Problems.AssertProblemAsync(await People.ChangePasswordAsync(hub, token, current, old), HttpStatusCode.BadRequest);
            Assert.Contains("last 5 passwords", problem.GetProperty("detail").GetString());
        }
        var fifth = await People.ChangePasswordAsync(hub, token, current, passwords[4]);
        Assert.Equal(HttpStatusCode.OK, fifth.StatusCode);
        token = JsonDocument.Parse(await fifth.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
        // Six passwords on, the initial one is no longer among the last five.
        Assert.Equal(HttpStatusCode.OK, (await People.ChangePasswordAsync(hub, token, passwords[4], person.Password)).StatusCode);
    }

    [Fact]
    public async Task a_password_older_than_three_months_must_be_changed_before_anything_else()
    {
        var person = await People.CreateAsync(hub, roles: new { role = "reader" });
        await People.ActivateAsync(hub, person);
        await People.ExecuteAsync(hub, "update access.account_credentials set password_set_at = now() - interval '91 days' where account_id = $1", person.Id);

        var signedIn = await People.SignInOkAsync(hub, person.Username, People.GoodPassword);
        Assert.Equal("expired", signedIn.GetProperty("reason").GetString());
        using var client = hub.CreateClientWithToken(signedIn.GetProperty("accessToken").GetString()!);
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task five_wrong_passwords_lock_the_account_with_a_message_saying_until_when()
    {
        var person = await People.CreateAsync(hub);
        for (var i = 1; i <= 4; i++)
        {
            var problem = await Problems.AssertProblemAsync(await People.SignInAsync(hub, person.Username, "Wrong-password-" + i), HttpStatusCode.Unauthorized);
            Assert.Equal("The username or password is not correct.", problem.GetProperty("detail").GetString());
        }
        var locked = await Problems.AssertProblemAsync(await People.SignInAsync(hub, person.Username, "Wrong-password-5"), HttpStatusCode.Forbidden);
        Assert.Contains("locked until", locked.GetProperty("detail").GetString());
        // The right password does not open a locked account either.
        await Problems.AssertProblemAsync(await People.SignInAsync(hub, person.Username, person.Password), HttpStatusCode.Forbidden);
        // An unknown username gets the same answer as a wrong password.
        var unknown = await Problems.AssertProblemAsync(await People.SignInAsync(hub, "nobody-" + person.Username, "Whatever-1!"), HttpStatusCode.Unauthorized);
        Assert.Equal("The username or password is not correct.", unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_unit_head_manages_only_the_own_units_staff_and_resets_a_forgotten_password()
    {
        var headId = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "head-" + Guid.NewGuid().ToString("N")[..6], "vpdk-dn", ["unit-head"]);
        using var head = hub.CreateClientWithToken(TestPrincipals.Token($"account:{headId}"));

        var other = await head.PostAsync("/api/v1/accounts", Json(new { username = "x" + Guid.NewGuid().ToString("N")[..8], displayName = "A", unitCode = "thue-dn", position = "p", roles = Array.Empty<object>() }));
        await Problems.AssertProblemAsync(other, HttpStatusCode.Forbidden);
        var steward = await head.PostAsync("/api/v1/accounts", Json(new { username = "x" + Guid.NewGuid().ToString("N")[..8], displayName = "A", unitCode = "vpdk-dn", position = "p", roles = new[] { new { role = "data-steward", datasetId = "parcels" } } }));
        var problem = await Problems.AssertProblemAsync(steward, HttpStatusCode.BadRequest);
        Assert.Contains("department's administrators", problem.GetProperty("detail").GetString());
        // Keyed at the grant's field, as the request wrote it.
        Assert.Equal(["roles[0].role"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        var staffName = "s" + Guid.NewGuid().ToString("N")[..8];
        var created = await head.PostAsync("/api/v1/accounts", Json(new { username = staffName, displayName = "Trần Thị Thử", unitCode = "vpdk-dn", position = "chuyên viên", roles = new[] { new { role = "reader" } } }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var staff = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var staffId = staff.GetProperty("account").GetProperty("accountId").GetGuid();
        await People.ActivateAsync(hub, new People.Person(staffId, staffName, staff.GetProperty("initialPassword").GetString()!));

        var reset = await head.PostAsync($"/api/v1/accounts/{staffId}/password-reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var temporary = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement.GetProperty("password").GetString()!;
        await Problems.AssertProblemAsync(await People.SignInAsync(hub, staffName, People.GoodPassword), HttpStatusCode.Unauthorized);
        var afterReset = await People.SignInOkAsync(hub, staffName, temporary);
        Assert.True(afterReset.GetProperty("passwordChangeRequired").GetBoolean());

        // Accounts of other units are invisible to the unit head.
        await Problems.AssertProblemAsync(await head.PostAsync($"/api/v1/accounts/{TestPrincipals.OperatorId}/password-reset", null), HttpStatusCode.NotFound);
        var listed = JsonDocument.Parse(await head.GetStringAsync("/api/v1/accounts")).RootElement.EnumerateArray().Select(a => a.GetProperty("unitCode").GetString()).Distinct().ToList();
        Assert.Equal(["vpdk-dn"], listed);
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Settings that try to loosen the regulation's password rules.</summary>
public sealed class LooseSettingsHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Auth:PasswordMinLength", "4"), new("Auth:PasswordHistory", "1"), new("Auth:PasswordExpiryDays", "3650")];
}

public sealed class LoosePasswordSettingsTests(LooseSettingsHubFixture hub) : IClassFixture<LooseSettingsHubFixture>
{
    [Fact]
    public async Task settings_cannot_make_the_password_rules_weaker_than_the_regulation()
    {
        var person = await People.CreateAsync(hub);
        var token = (await People.SignInOkAsync(hub, person.Username, person.Password)).GetProperty("accessToken").GetString()!;
        var problem = await Problems.AssertProblemAsync(await People.ChangePasswordAsync(hub, token, person.Password, "Ab1!xyz"), HttpStatusCode.BadRequest);
        Assert.Contains("at least 8 characters", problem.GetProperty("detail").GetString());
        var reused = await Problems.AssertProblemAsync(await People.ChangePasswordAsync(hub, token, person.Password, person.Password), HttpStatusCode.BadRequest);
        Assert.Contains("last 5 passwords", reused.GetProperty("detail").GetString());

        await People.ActivateAsync(hub, person);
        await People.ExecuteAsync(hub, "update access.account_credentials set password_set_at = now() - interval '91 days' where account_id = $1", person.Id);
        Assert.Equal("expired", (await People.SignInOkAsync(hub, person.Username, People.GoodPassword)).GetProperty("reason").GetString());
    }
}

using System.Diagnostics;
using DataHub.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace DataHub.Tests.Foundation;

/// <summary>
/// Every setting is checked when the hub starts (CheckedSettings): a value of the wrong type or
/// out of range, a misspelt key, a signing key, partner or proxy that cannot work stops the start
/// with exit code 2 and every problem on its own line, naming the setting. Read where they were
/// used, such values made requests 500s (a bad signing key: every request, health checks
/// included) or jobs fail later, and a misspelt key was silently the default.
/// Run as the operator runs it: the built hub as a process. A section reports its misspelt keys
/// first (its values are not read then), so each run names a section's problems of one kind.
/// </summary>
public sealed class SettingsTests
{
    private static async Task<(int Exit, string[] Errors, string Output)> ServeAsync(IReadOnlyDictionary<string, string> environment, string verb = "serve")
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DataHub.Api.dll"));
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        // Nothing listens there: the settings are checked before the database is needed.
        start.Environment["DATAHUB_DB"] = "Host=127.0.0.1;Port=9;Username=nobody;Database=none";
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await output);
    }

    private static async Task AssertRefusedAsync(Dictionary<string, string> settings, params string[] problems)
    {
        var (exit, errors, output) = await ServeAsync(settings);
        Assert.True(exit == 2, $"exit {exit}: {string.Join("\n", errors)}\n{output}");
        Assert.Equal("The hub's settings are wrong:", errors[0]);
        Assert.Equal(problems.Order(StringComparer.Ordinal), errors.Skip(1).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("   at ", string.Join("\n", errors) + output);
    }

    [Fact]
    public async Task check_settings_names_the_problems_serve_would_and_exits_0_when_there_are_none_without_serving()
    {
        var (exit, errors, _) = await ServeAsync(new Dictionary<string, string> { ["Deliveries:CleanupAt"] = "25:00" }, "check-settings");
        Assert.Equal(2, exit);
        Assert.Equal(["The hub's settings are wrong:", "Deliveries:CleanupAt must be a local time HH:mm (Asia/Ho_Chi_Minh)."], errors);

        // With sound settings it ends at once (serve would run until stopped; the database is not reachable here).
        (exit, errors, var output) = await ServeAsync(new Dictionary<string, string>(), "check-settings");
        Assert.True(exit == 0, $"exit {exit}: {string.Join("\n", errors)}\n{output}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task values_out_of_range_or_of_the_wrong_type_are_all_named_at_once_and_the_hub_does_not_start()
    {
        await AssertRefusedAsync(new()
        {
            ["Submissions:MaxBodyBytes"] = "abc",
            ["Dossiers:MaxDocumentBytes"] = "-1",
            ["Extractions:Lifetime"] = "0",
            ["Reports:FactsRefreshSeconds"] = "-5",
            ["Backups:Sftp:Port"] = "70000",
            ["Backups:Target"] = "ftp",
            ["Backups:DailyAt"] = "1:30am",
            ["Deliveries:CleanupAt"] = "25:00",
            ["Deliveries:BatchSize"] = "0",
            ["Accounts:DeparturesAt"] = "midnight",
            ["Partners:Ioc:Authentication"] = "oauth",
            ["Partners:Ministry:Resilience:Retries"] = "-1",
            ["ReverseProxy:KnownNetworks:0"] = "10.0.0.0/33",
            ["Auth:RevocationWorkingDays"] = "9",
            ["Auth:TimeZone"] = "Mars/Olympus",
            ["Sharing:DecisionWorkingDays"] = "0",
            ["Scheduling:RetrySeconds"] = "0",
        },
            "Failed to convert configuration value 'abc' at 'Submissions:MaxBodyBytes' to type 'System.Int64'.",
            "Dossiers:MaxDocumentBytes must be at least 1.",
            "Extractions:Lifetime must be from 00:00:01 to 3650.00:00:00 (days.hours:minutes:seconds).",
            "Reports:FactsRefreshSeconds must be 0 (off) or more.",
            "Backups:Sftp:Port must be from 1 to 65535.",
            "Backups:Target must be sftp (or folder, for development only), or empty.",
            "Backups:DailyAt must be a local time HH:mm (Asia/Ho_Chi_Minh).",
            "Deliveries:CleanupAt must be a local time HH:mm (Asia/Ho_Chi_Minh).",
            "Deliveries:BatchSize must be from 1 to 10000.",
            "Accounts:DeparturesAt must be a local time HH:mm (Asia/Ho_Chi_Minh).",
            "Partners:Ioc: Authentication is 'oauth'; use none, client-credentials or certificate.",
            "Partners:Ministry:Resilience:Retries must be from 0 to 100.",
            "ReverseProxy:KnownNetworks:0 '10.0.0.0/33' is not a network in CIDR notation (10.0.0.0/8).",
            "Auth:RevocationWorkingDays must be from 0 to 5 (the regulation gives 5 working days at most).",
            "Auth:TimeZone 'Mars/Olympus' is not a time zone this machine knows (Asia/Ho_Chi_Minh).",
            "Sharing:DecisionWorkingDays must be from 1 to 365.",
            "Scheduling:RetrySeconds must be more than 0 and at most 3600.");
    }

    [Fact]
    public async Task a_signing_key_or_a_partner_that_cannot_work_stops_the_hub_at_start_with_the_reason()
    {
        await AssertRefusedAsync(new()
        {
            ["Auth:SigningKey"] = "not base64!",
            ["Partners:Ministry:Authentication"] = "client-credentials",
            ["Submissions:ChunkRecords"] = "0",
        },
            "Auth:SigningKey must be base64 of at least 32 bytes (for example: head -c 32 /dev/urandom | base64).",
            "Partners:Ministry: client-credentials authentication needs TokenUrl, ClientId and ClientSecret.",
            "Submissions:ChunkRecords must be at least 1.");
        await AssertRefusedAsync(new() { ["Auth:SigningKey"] = "c2hvcnQga2V5" }, // "short key": 9 bytes
            "Auth:SigningKey must be base64 of at least 32 bytes (for example: head -c 32 /dev/urandom | base64).");
    }

    /// <summary>These crashed the start with a stack trace (a partner URL that is not one, a connection string Npgsql cannot read) or were taken silently.</summary>
    [Fact]
    public async Task the_connection_string_log_format_partner_addresses_and_partner_names_are_checked_too()
    {
        await AssertRefusedAsync(new()
        {
            ["DATAHUB_DB"] = "Host=127.0.0.1;Usernme=datahub",
            ["DATAHUB_LOG_FORMAT"] = "xml",
            ["Partners:Ministry:BaseUrl"] = "/ministry",
            ["Partners:Ioc:BaseUrl"] = "ftp://ioc.example/events",
            ["Partners:Ministy:BaseUrl"] = "https://ministry.example",
            ["ReverseProxy:KnownProxies:0"] = "proxy-1",
            ["ReverseProxy:KnownProxies:1"] = "10.0.0.300",
        },
            "DATAHUB_DB (or ConnectionStrings:DataHub) cannot be read: Couldn't set usernme (Parameter 'usernme')",
            "DATAHUB_LOG_FORMAT 'xml' is not a log format: use json or simple.",
            "Partners:Ministry:BaseUrl '/ministry' is not an http or https URL.",
            "Partners:Ioc:BaseUrl 'ftp://ioc.example/events' is not an http or https URL.",
            "Partners:Ministy is not a partner the hub knows; Partners takes Ioc, Ministry, OneStopShop, TaxAuthority.",
            "ReverseProxy:KnownProxies:0 'proxy-1' is not an IP address.",
            "ReverseProxy:KnownProxies:1 '10.0.0.300' is not an IP address.");
    }

    [Fact]
    public async Task a_log_level_dotnet_does_not_know_is_named_rather_than_crashing_the_start()
    {
        await AssertRefusedAsync(new() { ["Logging:LogLevel:Default"] = "Loud" }, "Logging: Configuration value 'Loud' is not supported.");
    }

    [Fact]
    public async Task a_misspelt_setting_is_named_with_the_settings_its_section_takes()
    {
        await AssertRefusedAsync(new() { ["Submissions:MaxBodyByte"] = "5", ["Backups:Sftp:Hots"] = "backup.example" },
            "Submissions:MaxBodyByte is not a setting the hub knows; Submissions takes ApplyWhileReceiving, AsyncAboveBytes, ChunkRecords, MaxBodyBytes, MaxRecords, MaxWaitSeconds, PollMilliseconds, SweepMinutes, WarmUpRecords.",
            "Backups:Sftp:Hots is not a setting the hub knows; Backups:Sftp takes Folder, Host, HostKeySha256, Port, PrivateKeyFile, PrivateKeyPassphrase, TimeoutSeconds, Username.");
    }

    private sealed class HubWithWrongSettings : HubFixture
    {
        protected override bool WithOperator => false;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Submissions:ChunkRecords", "0"), new("Auth:SigningKey", "c2hvcnQga2V5")];
    }

    /// <summary>A test class whose settings cannot work fails at its start, saying why, rather than running a hub that half works.</summary>
    [Fact]
    public async Task a_hub_hosted_by_a_test_with_wrong_settings_fails_to_start_with_every_problem()
    {
        var hub = new HubWithWrongSettings();
        try
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(((IAsyncLifetime)hub).InitializeAsync);
            Assert.Equal(
                ["Auth:SigningKey must be base64 of at least 32 bytes (for example: head -c 32 /dev/urandom | base64).", "Submissions:ChunkRecords must be at least 1."],
                failure.Failures.Order(StringComparer.Ordinal));
        }
        finally
        {
            await ((IAsyncLifetime)hub).DisposeAsync();
        }
    }
}

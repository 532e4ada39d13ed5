using System.Diagnostics;
using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Accounts;

/// <summary>A database with no administrator, as after the first migration.</summary>
public sealed class EmptyAccessHubFixture : HubFixture
{
    protected override bool WithOperator => false;
}

public sealed class BootstrapAdminTests(EmptyAccessHubFixture hub) : IClassFixture<EmptyAccessHubFixture>
{
    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DataHub.Api.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DATAHUB_DB"] = hub.Database.ConnectionString;
        start.Environment["DATAHUB_LOG_FORMAT"] = "simple";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    [Fact]
    public async Task bootstrap_admin_creates_the_first_administrator_once_with_a_one_time_password()
    {
        var (exit, output) = await RunAsync("bootstrap-admin", "--username", "quantri", "--unit", "snnmt-dn");
        Assert.True(exit == 0, output);
        var password = output.Split('\n').Single(l => l.StartsWith("one-time password", StringComparison.Ordinal)).Split(": ", 2)[1].Trim();

        var first = await People.SignInOkAsync(hub, "quantri", password);
        Assert.True(first.GetProperty("passwordChangeRequired").GetBoolean());
        var token = await People.ActivateAsync(hub, new People.Person(Guid.Empty, "quantri", password));
        using var admin = hub.CreateClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/accounts")).StatusCode);

        var (again, refusal) = await RunAsync("bootstrap-admin", "--username", "another");
        Assert.Equal(1, again);
        Assert.Contains("an active department administrator exists", refusal);

        var (verified, audit) = await RunAsync("audit", "verify");
        Assert.True(verified == 0, audit);
        Assert.Contains("chain intact", audit);
    }
}

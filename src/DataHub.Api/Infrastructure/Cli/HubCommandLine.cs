using System.CommandLine;
using DataHub.Api.Accounts;
using DataHub.Api.Audit;
using DataHub.Api.Backups;
using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Infrastructure.OpenApi;
using DataHub.Api.Seeding;
using System.Reflection;
using DataHub.Api.Infrastructure.Settings;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Infrastructure.Cli;

/// <summary>
/// The executable's verbs. Tokens a verb does not know (--urls, --environment, ...) go on to the
/// ASP.NET Core host, which reads them as configuration.
/// </summary>
public static class HubCommandLine
{
    public delegate WebApplication HubFactory(string[] args);

    public static readonly InvocationConfiguration Invocation = new()
    {
        // The host handles Ctrl-C itself (graceful shutdown); exceptions must surface unchanged,
        // which WebApplicationFactory relies on when it stops the entry point after Build().
        ProcessTerminationTimeout = null,
        EnableDefaultExceptionHandler = false,
    };

    public static RootCommand Create(HubFactory buildHub)
    {
        var serve = new Command("serve", "Serve the API (the default verb).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction(result => Serve(buildHub, result, run: true));
        var check = new Command("check-settings", "Check the settings as serve does at its start; print every problem (exit 2) or nothing (exit 0).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        check.SetAction(result => Serve(buildHub, result, run: false));

        var root = new RootCommand("DataHub: land data sharing hub.")
        {
            serve,
            check,
            MigrateCommand.Create(buildHub),
            OpenApiCommand.Create(buildHub),
            SeedCommand.Create(buildHub),
            BootstrapAdminCommand.Create(buildHub),
            AuditCommand.Create(buildHub),
            BackupCommand.Create(buildHub),
            RestoreCommand.Create(buildHub),
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(result => Serve(buildHub, result, run: true));
        return root;
    }

    public static string[] HostArgs(ParseResult result) => [.. result.UnmatchedTokens];

    /// <summary>
    /// Checks the settings and, when <paramref name="run"/>, serves. scripts/run checks them before
    /// it migrates, seeds and creates the first administrator, so that a wrong setting stops it
    /// before anything is written (the administrator's one-time password included).
    /// </summary>
    private static async Task<int> Serve(HubFactory buildHub, ParseResult result, bool run)
    {
        // Hosted by a test (WebApplicationFactory runs this entry point inside the test process),
        // exceptions are the answer: the factory passes them on to the test.
        var hosted = Assembly.GetEntryAssembly() != typeof(HubCommandLine).Assembly;
        WebApplication app;
        try
        {
            app = buildHub(HostArgs(result));
        }
        catch (InvalidOperationException e) when (!hosted && e.Message.StartsWith("Configuration value", StringComparison.Ordinal))
        {
            // .NET's own reading of the log levels ("Configuration value 'Loud' is not supported.").
            return await SettingsWrongAsync([$"Logging: {e.Message}"]);
        }
        // Settings that cannot work end the start with exit code 2 and every problem on its own
        // line, all at once: the operator needs the reasons, not a stack trace.
        if (CheckedSettings.Problems(app) is { Count: > 0 } problems)
        {
            return hosted ? throw new OptionsValidationException("settings", typeof(CheckedSettings), problems) : await SettingsWrongAsync(problems);
        }
        if (run)
        {
            await app.RunAsync();
        }
        return 0;
    }

    private static async Task<int> SettingsWrongAsync(IEnumerable<string> problems)
    {
        await Console.Error.WriteLineAsync($"The hub's settings are wrong:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  " + p))}");
        return 2;
    }
}

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
        serve.SetAction(result => Serve(buildHub, result));

        var root = new RootCommand("DataHub: land data sharing hub.")
        {
            serve,
            MigrateCommand.Create(buildHub),
            OpenApiCommand.Create(buildHub),
            SeedCommand.Create(buildHub),
            BootstrapAdminCommand.Create(buildHub),
            AuditCommand.Create(buildHub),
            BackupCommand.Create(buildHub),
            RestoreCommand.Create(buildHub),
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(result => Serve(buildHub, result));
        return root;
    }

    public static string[] HostArgs(ParseResult result) => [.. result.UnmatchedTokens];

    private static async Task<int> Serve(HubFactory buildHub, ParseResult result)
    {
        var app = buildHub(HostArgs(result));
        // Settings that cannot work end the start with exit code 2 and every problem on its own
        // line, all at once: the operator needs the reasons, not a stack trace.
        if (CheckedSettings.Problems(app) is { Count: > 0 } problems)
        {
            // Hosted by a test (WebApplicationFactory runs this entry point inside the test
            // process), the exception is the answer: the factory passes it on to the test.
            if (Assembly.GetEntryAssembly() != typeof(HubCommandLine).Assembly)
            {
                throw new OptionsValidationException("settings", typeof(CheckedSettings), problems);
            }
            await Console.Error.WriteLineAsync($"The hub's settings are wrong:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  " + p))}");
            return 2;
        }
        await app.RunAsync();
        return 0;
    }
}

using System.CommandLine;
using DataHub.Api.Accounts;
using DataHub.Api.Audit;
using DataHub.Api.Backups;
using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Infrastructure.OpenApi;
using DataHub.Api.Seeding;

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
        await app.RunAsync();
        return 0;
    }
}

using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;

namespace DataHub.Api.Infrastructure.Database;

/// <summary>`migrate`: applies pending SQL migrations; `migrate --check` only reports them.</summary>
public static class MigrateCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var check = new Option<bool>("--check") { Description = "Only list pending migrations; exit 1 if there are any." };
        var command = new Command("migrate", "Apply the SQL migrations in schemas/sql to the database.") { check };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(result =>
        {
            using var app = buildHub(HubCommandLine.HostArgs(result));
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DataHub.Migrate");
            var connectionString = DatabaseSetup.ConnectionString(app.Configuration);

            if (result.GetValue(check))
            {
                var pending = Migrator.Pending(connectionString);
                foreach (var name in pending)
                {
                    Console.WriteLine($"pending: {name}");
                }
                Console.WriteLine(pending.Count == 0 ? "the database is up to date" : $"{pending.Count} migration(s) pending");
                return pending.Count == 0 ? 0 : 1;
            }

            var outcome = Migrator.Migrate(connectionString, logger);
            if (!outcome.Successful)
            {
                Console.Error.WriteLine($"migration failed: {outcome.Error}");
                return 1;
            }
            Console.WriteLine(outcome.Applied.Count == 0
                ? "migrations: nothing to apply"
                : $"migrations: applied {string.Join(", ", outcome.Applied)}");
            return 0;
        });
        return command;
    }
}

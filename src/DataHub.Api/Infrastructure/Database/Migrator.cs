using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace DataHub.Api.Infrastructure.Database;

/// <summary>
/// Applies the numbered SQL files of schemas/sql with DbUp: each file in its own transaction,
/// recorded in the journal table public.schema_migrations, so a second run changes nothing.
/// </summary>
public static class Migrator
{
    public const string JournalTable = "schema_migrations";

    public static string ScriptsFolder => Path.Combine(AppContext.BaseDirectory, "schemas", "sql");

    public sealed record Result(bool Successful, IReadOnlyList<string> Applied, string? Error);

    public static Result Migrate(string connectionString, ILogger logger, bool createDatabase = true)
    {
        if (createDatabase)
        {
            EnsureDatabase.For.PostgresqlDatabase(connectionString, new MicrosoftUpgradeLog(logger));
        }

        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsFromFileSystem(ScriptsFolder)
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", JournalTable)
            .LogTo(new MicrosoftUpgradeLog(logger))
            .Build();

        var result = upgrader.PerformUpgrade();
        return new Result(
            result.Successful,
            result.Scripts.Select(s => s.Name).ToList(),
            result.Error?.Message);
    }

    /// <summary>Names of the scripts on disk that the database has not applied yet.</summary>
    public static IReadOnlyList<string> Pending(string connectionString) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsFromFileSystem(ScriptsFolder)
            .JournalToPostgresqlTable("public", JournalTable)
            .LogToNowhere()
            .Build()
            .GetScriptsToExecute()
            .Select(s => s.Name)
            .ToList();

    public static async Task<IReadOnlyList<string>> AppliedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select scriptname from public.{JournalTable} order by schemaversionsid");
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}

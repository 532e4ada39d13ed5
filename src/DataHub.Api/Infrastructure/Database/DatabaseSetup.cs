using DataHub.Api.Infrastructure.Settings;
using Npgsql;

namespace DataHub.Api.Infrastructure.Database;

public static class DatabaseSetup
{
    /// <summary>
    /// DATAHUB_DB (what the scripts and operators set) wins over ConnectionStrings:DataHub
    /// (appsettings or ConnectionStrings__DataHub).
    /// </summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration["DATAHUB_DB"] is { Length: > 0 } fromEnv ? fromEnv
        : configuration.GetConnectionString("DataHub") is { Length: > 0 } fromConfig ? fromConfig
        : throw new InvalidOperationException(
            "No database configured: set DATAHUB_DB (or ConnectionStrings__DataHub) to a PostgreSQL connection string, or start the hub with scripts/run.");

    /// <summary>Why the connection string cannot be used (missing, or a key Npgsql does not know), or null.</summary>
    private static string? ConnectionProblem(IConfiguration configuration)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString(configuration));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            return e is InvalidOperationException ? e.Message : $"DATAHUB_DB (or ConnectionStrings:DataHub) cannot be read: {e.Message}";
        }
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNetTopologySuite();
        builder.ConnectionStringBuilder.ApplicationName ??= "datahub";
        // PostgreSQL's JIT spent ~180 ms compiling each page query of the items endpoint (whose
        // execution takes ~200 ms for 10,000 features): API queries are short, so it only costs.
        builder.ConnectionStringBuilder.Options ??= "-c jit=off";
        return builder.Build();
    }

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        // One data source for the process; built lazily so verbs that never touch the database
        // (openapi) run without one.
        builder.Services.AddSingleton(sp => CreateDataSource(ConnectionString(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddSettingCheck("database", (configuration, _) => ConnectionProblem(configuration) is { } problem ? [problem] : []);
        return builder;
    }
}

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
        return builder;
    }
}

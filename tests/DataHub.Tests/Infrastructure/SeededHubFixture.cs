using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Seeding;
using Npgsql;

namespace DataHub.Tests.Infrastructure;

/// <summary>The hub over a database holding the sample province (seed 5, <see cref="Parcels"/> parcels).</summary>
public class SeededHubFixture : HubFixture
{
    public const long Parcels = 600;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    protected override async Task PrepareDatabaseAsync()
    {
        DataSource = DatabaseSetup.CreateDataSource(Database.ConnectionString);
        await new Seeder(DataSource).SeedAsync(new Seeder.Options(Parcels, Seed: 5, Replace: false), null, CancellationToken.None);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Holds what a running submission's transaction holds on its staging schema's name (the
    /// advisory lock of SubmissionStaging.ReserveAsync) until the returned transaction ends.
    /// </summary>
    public async Task<NpgsqlTransaction> HoldStagingAsync(string schema)
    {
        var connection = await DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var reserve = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
        reserve.Parameters.Add(new NpgsqlParameter { Value = schema });
        await reserve.ExecuteNonQueryAsync();
        return transaction;
    }

    public async Task ExecuteAsWriterAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var writer = new NpgsqlCommand("select set_config('datahub.writer', 'test', true)", connection, transaction))
        {
            await writer.ExecuteNonQueryAsync();
        }
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    protected override async Task CleanupAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
    }
}

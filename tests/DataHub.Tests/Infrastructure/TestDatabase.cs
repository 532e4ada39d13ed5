using System.Security.Cryptography;
using System.Text;
using DataHub.Api.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DataHub.Tests.Infrastructure;

/// <summary>
/// A database of its own for each test class, copied from a migrated template so that classes
/// run in parallel without seeing each other's rows. The server comes from DATAHUB_DB, which the
/// README's test command points at a throwaway cluster.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? templateName;

    public string Name { get; }
    public string ConnectionString { get; }

    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("DATAHUB_DB") is { Length: > 0 } cs ? cs
        : Environment.GetEnvironmentVariable("ConnectionStrings__DataHub") is { Length: > 0 } cs2 ? cs2
        : throw new InvalidOperationException("DATAHUB_DB is not set: run the tests with scripts/test, or point DATAHUB_DB at a PostgreSQL server with PostGIS.");

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>A new, migrated database.</summary>
    public static async Task<TestDatabase> CreateAsync(string? prefix = null)
    {
        var template = await TemplateAsync();
        var tag = (prefix ?? "db").ToLowerInvariant();
        var name = $"t_{tag[..Math.Min(tag.Length, 24)]}_{Guid.NewGuid():N}";
        await TemplateLock.WaitAsync();
        try
        {
            await ExecuteOnServerAsync($"""create database "{name}" template "{template}" """);
        }
        finally
        {
            TemplateLock.Release();
        }
        return new TestDatabase(name, ConnectionStringFor(name));
    }

    /// <summary>A new database with nothing in it, not even the migrations.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync()
    {
        var name = $"t_empty_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"""create database "{name}" """);
        return new TestDatabase(name, ConnectionStringFor(name));
    }

    /// <summary>One value read straight from the database, for what the API does not show.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"""drop database if exists "{Name}" with (force)""");
    }

    // The template's name carries a hash of the migration files, so an edited migration gets a
    // fresh template instead of a stale one left by an earlier run against the same server.
    private static async Task<string> TemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (templateName is not null)
            {
                return templateName;
            }
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(
                Directory.GetFiles(Migrator.ScriptsFolder, "*.sql").Order(StringComparer.Ordinal)
                    .Select(f => Path.GetFileName(f) + File.ReadAllText(f)))));
            var name = $"datahub_test_template_{Convert.ToHexStringLower(hash)[..12]}";
            var result = Migrator.Migrate(ConnectionStringFor(name), NullLogger.Instance);
            if (!result.Successful)
            {
                throw new InvalidOperationException($"migrating the test template failed: {result.Error}");
            }
            // CREATE DATABASE ... TEMPLATE needs the template to have no open connections.
            NpgsqlConnection.ClearAllPools();
            templateName = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using DataHub.Api.Infrastructure.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Tests.Infrastructure;

/// <summary>
/// Principals the tests act as, written straight into a test database: the operator (every role,
/// a data steward and reviewer of every dataset) that the fixture's clients use by default, and
/// one account per role for the permission tests. Tokens come from the hub's own issuer.
/// </summary>
public static class TestPrincipals
{
    /// <summary>Shared by every hub a test starts (in-process or a child process), so tokens work across them.</summary>
    public const string SigningKey = "ZGF0YWh1Yi10ZXN0LXNpZ25pbmcta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=";

    public static readonly Guid OperatorId = Guid.Parse("00000000-0000-0000-0000-00000000000f");

    private static readonly TokenIssuer Issuer = new(Options.Create(new AuthOptions { SigningKey = SigningKey }), TimeProvider.System, NullLogger<TokenIssuer>.Instance);

    /// <summary>A token for any account or client of a test database, valid for any hub with the test key (epoch 1: never reset).</summary>
    public static string Token(string subject, int epoch = 1, IEnumerable<string>? scopes = null) =>
        Issuer.Issue(subject, epoch, TimeSpan.FromHours(2), scopes).AccessToken;

    public static string OperatorToken => Token($"account:{OperatorId}");

    /// <summary>Creates an account with the given roles (dataset roles for the datasets named) and returns its id.</summary>
    public static async Task<Guid> CreateAccountAsync(string connectionString, string username, string unit,
        IEnumerable<string> roles, IEnumerable<(string Role, string Dataset)>? datasetRoles = null, Guid? id = null, bool mustChangePassword = false,
        string passwordHash = "not-a-password-hash")
    {
        var accountId = id ?? Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Execute(connection, tx, "select set_config('datahub.writer', 'test:principals', true)");
        await Execute(connection, tx, "insert into access.accounts (account_id, username, display_name, unit_code, position) values ($1, $2, $2, $3, 'tester')", accountId, username, unit);
        await Execute(connection, tx, "insert into access.account_credentials (account_id, password_hash, must_change_password) values ($1, $2, $3)", accountId, passwordHash, mustChangePassword);
        foreach (var role in roles)
        {
            await Execute(connection, tx, "insert into access.role_assignments (account_id, role) values ($1, $2)", accountId, role);
        }
        foreach (var (role, dataset) in datasetRoles ?? [])
        {
            await Execute(connection, tx, "insert into access.role_assignments (account_id, role, dataset_id) values ($1, $2, $3)", accountId, role, dataset);
        }
        await tx.CommitAsync();
        return accountId;
    }

    public static async Task CreateOperatorAsync(string connectionString)
    {
        var datasets = new List<string>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select id from catalog.datasets", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                datasets.Add(reader.GetString(0));
            }
        }
        await CreateAccountAsync(connectionString, "test-operator", "snnmt-dn", ["department-admin", "reader", "auditor"],
            datasets.SelectMany(d => new[] { ("data-steward", d), ("request-reviewer", d) }), OperatorId);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }
}

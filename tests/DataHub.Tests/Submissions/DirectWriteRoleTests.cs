using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace DataHub.Tests.Submissions;

/// <summary>
/// The seeded hub connected as a role that is no superuser and may not set
/// session_replication_role: every right on the database's objects, nothing more.
/// </summary>
public sealed class LimitedRoleHubFixture : SubmissionLogHubFixture
{
    private string role = "";

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        role = $"limited_{Database.ConnectionString.GetHashCode() & 0x7fffffff}";
        await using var command = DataSource.CreateCommand($"""
            do $$
            declare s text;
            begin
              if not exists (select from pg_roles where rolname = '{role}') then
                create role {role} login password '{role}';
              end if;
              execute format('grant create, temporary on database %I to {role}', current_database());
              for s in select nspname from pg_namespace where nspname not like 'pg\_%' and nspname <> 'information_schema' loop
                execute format('grant usage, create on schema %I to {role}', s);
                execute format('grant all on all tables in schema %I to {role}', s);
                execute format('grant all on all sequences in schema %I to {role}', s);
                execute format('grant execute on all functions in schema %I to {role}', s);
              end loop;
            end $$;
            """);
        await command.ExecuteNonQueryAsync();
    }

    public string Role => role;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var limited = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Password = role };
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATAHUB_DB"] = limited.ConnectionString,
        }));
    }
}

/// <summary>
/// Where the hub's role may not set session_replication_role, the short way copies the land uses
/// with their foreign key checked, and the batch is applied the same (docs/operations.md).
/// </summary>
public sealed class DirectWriteRoleTests(LimitedRoleHubFixture hub) : IClassFixture<LimitedRoleHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    [Fact]
    public async Task a_role_that_may_not_set_the_replication_role_still_copies_an_all_new_batch_straight_into_the_land_tables()
    {
        Assert.False(await hub.ScalarAsync<bool>("select has_parameter_privilege($1, 'session_replication_role', 'SET')", hub.Role));
        var features = Enumerable.Range(0, 2_500).Select(n => Parcels.GridFeature(n, 970)).ToArray();

        var (status, end) = await SubmitRequests.StoredAsync(client, "/api/v1/datasets/parcels/submissions", Parcels.Collection(features));

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.True(hub.Said(status, "copied into the land tables"), string.Join('\n', hub.Lines));
        Assert.Equal(2_500L, await hub.ScalarAsync<long>("""
            select count(*) from land.land_uses u join land.parcels p on p.id = u.parcel_id
            where p.map_sheet = 970 and u.written_by = p.written_by
            """));
    }
}

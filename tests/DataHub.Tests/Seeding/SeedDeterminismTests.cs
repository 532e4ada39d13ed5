using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Seeding;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Seeding;

public sealed class SeedDeterminismTests
{
    // A digest of everything a seed writes, in a fixed order.
    private const string Digest = """
        select md5(string_agg(x, '|' order by x)) from (
          select concat_ws(',', id, commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address, registered_on, st_asewkb(geom)) x from land.parcels
          union all select concat_ws(',', id, parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main) from land.land_uses
          union all select concat_ws(',', id, user_type_code, full_name, id_kind, id_number, birth_year, address) from personal.land_users
          union all select concat_ws(',', id, serial, register_no, issued_on, issuer, restrictions) from land.certificates
          union all select concat_ws(',', id, mortgagee, registered_on, released_on) from land.mortgages
          union all select concat_ws(',', unit_code, purpose_code, user_type_code, area_m2) from land.statistics
        ) rows
        """;

    private static async Task<string> SeedAndDigestAsync(long seed, long parcels)
    {
        await using var db = await TestDatabase.CreateAsync("determinism");
        await using var dataSource = DatabaseSetup.CreateDataSource(db.ConnectionString);
        await new Seeder(dataSource).SeedAsync(new Seeder.Options(parcels, seed, Replace: false), null, CancellationToken.None);
        await using var command = dataSource.CreateCommand(Digest);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task the_same_seed_gives_the_same_data_and_another_seed_gives_other_data()
    {
        var first = await SeedAndDigestAsync(11, 400);
        var again = await SeedAndDigestAsync(11, 400);
        var other = await SeedAndDigestAsync(12, 400);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task a_failed_seed_writes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync("failedseed");
        await using var dataSource = DatabaseSetup.CreateDataSource(db.ConnectionString);
        // Occupy the id of the seed's first parcel, so that its copy fails part-way.
        await using (var command = dataSource.CreateCommand("""
            select set_config('datahub.writer', 'test', false);
            insert into land.parcels (id, commune_code, map_sheet, parcel_no, area_m2, registered_on, geom)
            values (1, '99999', 1, 1, 1, date '2020-01-01', st_multi(st_makeenvelope(0, 0, 1, 1, 9212)));
            """))
        {
            await command.ExecuteNonQueryAsync();
        }
        await Assert.ThrowsAsync<PostgresException>(() =>
            new Seeder(dataSource).SeedAsync(new Seeder.Options(50, 1, Replace: false), null, CancellationToken.None));
        await using var count = dataSource.CreateCommand("select (select count(*) from land.parcels) + (select count(*) from ref.admin_units where level = 'commune')");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}

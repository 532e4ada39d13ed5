using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Seeding;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Seeding;

/// <summary>One seeded database shared by the checks below (seeding is the slow part).</summary>
public sealed class SeededDatabase : IAsyncLifetime
{
    public const long Parcels = 3_000;
    public TestDatabase Database { get; private set; } = null!;
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public Seeder.Result Result { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("seeded");
        DataSource = DatabaseSetup.CreateDataSource(Database.ConnectionString);
        Result = await new Seeder(DataSource).SeedAsync(new Seeder.Options(Parcels, Seed: 7, Replace: false), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

public sealed class SeedTests(SeededDatabase seeded) : IClassFixture<SeededDatabase>
{
    [Fact]
    public async Task seed_writes_the_requested_number_of_parcels_with_their_land_use_users_and_certificates()
    {
        Assert.Equal(SeededDatabase.Parcels, await seeded.ScalarAsync<long>("select count(*) from land.parcels"));
        Assert.Equal(0L, await seeded.ScalarAsync<long>("select count(*) from land.parcels p where not exists (select 1 from land.land_uses u where u.parcel_id = p.id)"));
        Assert.Equal(0L, await seeded.ScalarAsync<long>("select count(*) from land.parcels p where not exists (select 1 from land.parcel_users u where u.parcel_id = p.id)"));
        var certificates = await seeded.ScalarAsync<long>("select count(*) from land.certificates");
        Assert.InRange(certificates, SeededDatabase.Parcels / 2, SeededDatabase.Parcels);
        Assert.True(await seeded.ScalarAsync<long>("select count(*) from land.mortgages") > 0);
        Assert.True(await seeded.ScalarAsync<long>("select count(*) from land.planning_zones") > 0);
        Assert.True(await seeded.ScalarAsync<long>("select count(*) from land.price_zones") > 0);
    }

    [Fact]
    public async Task seeded_parcels_are_valid_polygons_of_6_to_12_vertices()
    {
        Assert.Equal(0L, await seeded.ScalarAsync<long>("select count(*) from land.parcels where not st_isvalid(geom) or st_srid(geom) <> 9212"));
        Assert.Equal(6, await seeded.ScalarAsync<int>("select min(st_npoints(geom) - 1) from land.parcels"));
        Assert.Equal(12, await seeded.ScalarAsync<int>("select max(st_npoints(geom) - 1) from land.parcels"));
    }

    [Fact]
    public async Task seeded_parcels_do_not_overlap_and_lie_inside_their_commune()
    {
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from land.parcels a join land.parcels b
              on a.id < b.id and a.geom && b.geom and st_overlaps(a.geom, b.geom)
            """));
        // Adjacent parcels exist (the tessellation is gap-free), so the overlap check is not vacuous.
        Assert.True(await seeded.ScalarAsync<long>("select count(*) from land.parcels a join land.parcels b on a.id < b.id and st_touches(a.geom, b.geom)") > 0);
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from land.parcels p
            join ref.admin_units u on u.code = coalesce(p.old_commune_code, p.commune_code) and u.level = 'commune'
            where not st_coveredby(p.geom, u.boundary)
            """));
    }

    [Fact]
    public async Task seeded_parcels_lie_around_dong_xoai()
    {
        var box = await seeded.ScalarAsync<string>("select st_astext(st_transform(st_setsrid(st_extent(geom)::geometry, 9212), 4326)) from land.parcels");
        await using var command = seeded.DataSource.CreateCommand("""
            select st_xmin(e), st_xmax(e), st_ymin(e), st_ymax(e)
            from (select st_transform(st_setsrid(st_extent(geom)::geometry, 9212), 4326) e from land.parcels) x
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetDouble(0) > 106.4 && reader.GetDouble(1) < 107.2, box);
        Assert.True(reader.GetDouble(2) > 11.2 && reader.GetDouble(3) < 11.9, box);
    }

    [Fact]
    public async Task every_code_in_the_sample_is_valid_at_the_parcels_registration_date()
    {
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from land.land_uses lu join land.parcels p on p.id = lu.parcel_id
            where not ref.code_valid('land_use_purpose', lu.purpose_code, p.registered_on)
               or not ref.code_valid('land_use_origin', lu.origin_code, p.registered_on)
            """));
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from land.parcel_users pu join land.parcels p on p.id = pu.parcel_id
            join personal.land_users u on u.id = pu.land_user_id
            where not ref.code_valid('land_user_type', u.user_type_code, p.registered_on)
               or not ref.code_valid('parcel_user_role', pu.role, p.registered_on)
            """));
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from land.parcels p
            where ref.unit_at(p.commune_code, p.registered_on) is null
            """));
    }

    [Fact]
    public async Task land_use_areas_add_up_to_the_parcel_area()
    {
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from land.parcels p
            where p.area_m2 <> (select sum(area_m2) from land.land_uses u where u.parcel_id = p.id)
               or abs(p.area_m2 - st_area(p.geom)::numeric) > 0.1
            """));
    }

    [Fact]
    public async Task parcels_registered_after_the_merger_carry_the_new_commune_and_their_old_numbers()
    {
        var renumbered = await seeded.ScalarAsync<long>("select count(*) from land.parcels where registered_on >= date '2025-07-01'");
        Assert.True(renumbered > 0);
        Assert.Equal(renumbered, await seeded.ScalarAsync<long>("""
            select count(*) from land.parcels p
            where p.registered_on >= date '2025-07-01' and p.old_commune_code is not null
              and p.commune_code in (select ref.successors_on(p.old_commune_code, p.registered_on))
            """));
    }

    [Fact]
    public async Task sample_people_are_obviously_fake_and_live_in_the_personal_schema()
    {
        Assert.Equal(0L, await seeded.ScalarAsync<long>("select count(*) from personal.land_users where full_name not like '%Mẫu%'"));
        Assert.Equal(0L, await seeded.ScalarAsync<long>("""
            select count(*) from personal.land_users where id_kind = 'CCCD' and id_number !~ '^070[0-3][0-9]{8}$'
            """));
        Assert.Equal("PERSONAL DATA", await seeded.ScalarAsync<string>("select col_description('personal.land_users'::regclass, 3)"));
    }

    [Fact]
    public async Task stored_statistics_match_the_parcels_except_a_few_marked_differences()
    {
        // Computed independently: area by commune x purpose x first user's type, parcels before 2025.
        const string differences = """
            with computed as (
              select p.commune_code, lu.purpose_code, u.user_type_code, sum(lu.area_m2) area
              from land.parcels p join land.land_uses lu on lu.parcel_id = p.id
              join lateral (select land_user_id from land.parcel_users pu where pu.parcel_id = p.id order by pu.id limit 1) first on true
              join personal.land_users u on u.id = first.land_user_id
              where p.registered_on < date '2025-01-01'
              group by 1, 2, 3)
            select count(*) filter (where s.area_m2 is distinct from round(c.area, 1)),
                   count(*) filter (where abs(s.area_m2 - c.area) > c.area * 0.005 + 0.1),
                   count(*)
            from computed c full join land.statistics s
              on s.unit_code = c.commune_code and s.purpose_code = c.purpose_code and s.user_type_code = c.user_type_code and s.year = 2024
            """;
        await using var command = seeded.DataSource.CreateCommand(differences);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (differing, beyondHalfPercent, total) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        Assert.True(differing > 0 && differing < total / 10, $"{differing} of {total} rows differ");
        Assert.Equal(0, beyondHalfPercent);
    }

    [Fact]
    public async Task every_seeded_row_names_the_seed_as_its_writer()
    {
        Assert.Equal("seed:7:3000", await seeded.ScalarAsync<string>("select distinct written_by from land.parcels"));
    }

    [Fact]
    public async Task new_rows_after_seeding_get_ids_beyond_the_seeded_ones()
    {
        await using var connection = await seeded.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var writer = new NpgsqlCommand("select set_config('datahub.writer', 'test', true)", connection, transaction))
        {
            await writer.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand("""
            insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, registered_on, geom)
            values ('25100', 999, 1, 100, date '2026-01-05', st_multi(st_makeenvelope(545000, 1255000, 545010, 1255010, 9212)))
            returning id;
            """, connection, transaction);
        var id = (long)(await command.ExecuteScalarAsync())!;
        Assert.True(id > SeededDatabase.Parcels);
        await transaction.RollbackAsync();
    }
}

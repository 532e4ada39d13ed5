using Npgsql;

namespace DataHub.Tests.Land;

/// <summary>
/// History is never overwritten (TT 75/2015 "biến động"): the triggers of migration 0003 copy each
/// previous version into history.* and refuse any write that does not say who makes it.
/// </summary>
public sealed class HistoryTests(LandDatabase db) : IClassFixture<LandDatabase>
{
    private const string InsertParcel = """
        insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, registered_on, geom)
        values ('25432', 12, $1, $2, date '2019-05-20',
                ST_Multi(ST_MakeEnvelope(600000, 1300000 + $1 * 50, 600020, 1300000 + $1 * 50 + 25, 9212)))
        returning id
        """;

    // Each test uses its own parcel numbers: the class shares one database.
    private Task<long> InsertParcelAsync(string writer, int parcelNo, decimal area = 500.0m) =>
        db.WriteAsync<long>(writer, InsertParcel, parcelNo, area);

    private Task<List<Dictionary<string, object?>>> HistoryOfParcelAsync(long id) =>
        db.RowsAsync("select area_m2, valid_from, valid_to, written_by, ended_by, change from history.land_parcels where id = $1 order by valid_to", id);

    private Task<List<Dictionary<string, object?>>> CurrentParcelAsync(long id) =>
        db.RowsAsync("select area_m2, valid_from, written_by from land.parcels where id = $1", id);

    [Fact]
    public async Task inserting_a_parcel_records_its_writer_and_no_history_yet()
    {
        var id = await InsertParcelAsync("submission:101", 1);

        var current = Assert.Single(await CurrentParcelAsync(id));
        Assert.Equal("submission:101", current["written_by"]);
        Assert.Empty(await HistoryOfParcelAsync(id));
        Assert.True(await db.ScalarAsync<bool>("select ST_IsValid(geom) and GeometryType(geom) = 'MULTIPOLYGON' and ST_SRID(geom) = 9212 from land.parcels where id = $1", id));
    }

    [Fact]
    public async Task an_insert_cannot_forge_its_writer_or_backdate_its_version()
    {
        var id = await db.WriteAsync<long>("submission:202", """
            insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, registered_on, geom, written_by, valid_from)
            values ('25432', 12, 90, 500, date '2019-05-20', ST_Multi(ST_MakeEnvelope(600000, 1304500, 600020, 1304525, 9212)),
                    'someone-else', timestamptz '1990-01-01')
            returning id
            """);

        var current = Assert.Single(await CurrentParcelAsync(id));
        Assert.Equal("submission:202", current["written_by"]);
        Assert.True((DateTime)current["valid_from"]! > new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task updating_a_parcel_keeps_the_previous_version_ended_by_the_updating_writer()
    {
        var id = await InsertParcelAsync("submission:201", 2, 500.0m);

        await db.WriteAsync<object?>("submission:202", "update land.parcels set area_m2 = 480.5 where id = $1", id);

        var previous = Assert.Single(await HistoryOfParcelAsync(id));
        var current = Assert.Single(await CurrentParcelAsync(id));
        Assert.Equal(500.0m, previous["area_m2"]);
        Assert.Equal("submission:201", previous["written_by"]);
        Assert.Equal("submission:202", previous["ended_by"]);
        Assert.Equal("update", previous["change"]);
        Assert.Equal(480.5m, current["area_m2"]);
        Assert.Equal("submission:202", current["written_by"]);
        // The versions tile time: the old one ends exactly where the new one begins.
        Assert.Equal(current["valid_from"], previous["valid_to"]);
        Assert.True((DateTime)previous["valid_from"]! < (DateTime)previous["valid_to"]!);
    }

    [Fact]
    public async Task parcel_versions_lists_the_current_row_and_every_previous_one()
    {
        var id = await InsertParcelAsync("submission:301", 3, 500.0m);
        await db.WriteAsync<object?>("submission:302", "update land.parcels set area_m2 = 490 where id = $1", id);
        await db.WriteAsync<object?>("submission:303", "update land.parcels set address = 'Ấp 3, xã Tân Lập' where id = $1", id);

        var versions = await db.RowsAsync("select area_m2, written_by, ended_by, valid_to from land.parcel_versions where id = $1 order by valid_from", id);

        Assert.Equal(["submission:301", "submission:302", "submission:303"], versions.Select(v => (string)v["written_by"]!));
        Assert.Equal(["submission:302", "submission:303", null], versions.Select(v => (string?)v["ended_by"]));
        Assert.Null(versions[^1]["valid_to"]);
        Assert.Equal([500.0m, 490.0m, 490.0m], versions.Select(v => (decimal)v["area_m2"]!));
    }

    [Fact]
    public async Task an_update_that_changes_nothing_makes_no_new_version()
    {
        var id = await InsertParcelAsync("submission:401", 4);
        var before = Assert.Single(await CurrentParcelAsync(id));

        await db.WriteAsync<object?>("submission:402", "update land.parcels set area_m2 = area_m2, address = address where id = $1", id);

        Assert.Empty(await HistoryOfParcelAsync(id));
        var after = Assert.Single(await CurrentParcelAsync(id));
        Assert.Equal("submission:401", after["written_by"]);
        Assert.Equal(before["valid_from"], after["valid_from"]);
    }

    [Fact]
    public async Task retiring_a_parcel_keeps_its_last_version_marked_as_deleted()
    {
        var id = await InsertParcelAsync("submission:501", 5, 777.0m);

        await db.WriteAsync<object?>("submission:502", "delete from land.parcels where id = $1", id);

        Assert.Empty(await CurrentParcelAsync(id));
        var last = Assert.Single(await HistoryOfParcelAsync(id));
        Assert.Equal(777.0m, last["area_m2"]);
        Assert.Equal("submission:501", last["written_by"]);
        Assert.Equal("submission:502", last["ended_by"]);
        Assert.Equal("delete", last["change"]);
        var versions = await db.RowsAsync("select change from land.parcel_versions where id = $1", id);
        Assert.Equal("delete", Assert.Single(versions)["change"]);
    }

    [Fact]
    public async Task an_insert_without_a_writer_is_refused()
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => db.WriteAsync<long>(null, InsertParcel, 6, 100.0m));

        Assert.Equal("P0001", e.SqlState);
        Assert.Contains("datahub.writer", e.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from land.parcels where commune_code = '25432' and map_sheet = 12 and parcel_no = 6"));
    }

    [Theory]
    [InlineData(7, "update land.parcels set area_m2 = 1 where id = $1")]
    [InlineData(8, "delete from land.parcels where id = $1")]
    public async Task an_update_or_delete_without_a_writer_is_refused_and_changes_nothing(int parcelNo, string sql)
    {
        var id = await InsertParcelAsync("submission:701", parcelNo, 300.0m);

        var e = await Assert.ThrowsAsync<PostgresException>(() => db.WriteAsync<object?>(null, sql, id));

        Assert.Equal("P0001", e.SqlState);
        Assert.Equal(300.0m, Assert.Single(await CurrentParcelAsync(id))["area_m2"]);
        Assert.Empty(await HistoryOfParcelAsync(id));
    }

    [Fact]
    public async Task the_writer_setting_ends_with_its_transaction()
    {
        // Pooled connections are reused: a writer set for one transaction must not sign the next.
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using (var signed = await connection.BeginTransactionAsync())
        {
            await LandDatabase.ScalarAsync<string>(connection, signed, "select set_config('datahub.writer', 'submission:901', true)");
            await LandDatabase.ScalarAsync<long>(connection, signed, InsertParcel, 9, 250.0m);
            await signed.CommitAsync();
        }

        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            LandDatabase.ScalarAsync<object?>(connection, null, "update land.parcels set area_m2 = 260 where commune_code = '25432' and map_sheet = 12 and parcel_no = 9"));

        Assert.Equal("P0001", e.SqlState);
    }

    [Fact]
    public async Task land_uses_and_certificates_keep_their_previous_versions()
    {
        var parcel = await InsertParcelAsync("submission:1001", 10, 1000.0m);
        var landUse = await db.WriteAsync<long>("submission:1001", """
            insert into land.land_uses (parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main)
            values ($1, 'CLN', 1000, false, date '2064-05-20', 'CNQ', true) returning id
            """, parcel);
        var certificate = await db.WriteAsync<long>("submission:1001", """
            insert into land.certificates (parcel_id, serial, register_no, issued_on, issuer, rights)
            values ($1, 'DA 100001', 'CS01001', date '2019-06-01', 'Sở Tài nguyên và Môi trường tỉnh Bình Phước', 'Quyền sử dụng đất') returning id
            """, parcel);

        await db.WriteAsync<object?>("submission:1002", "update land.land_uses set purpose_code = 'ONT', long_term = true, use_until = null, area_m2 = 200 where id = $1", landUse);
        await db.WriteAsync<object?>("submission:1002", "update land.certificates set restrictions = 'Thế chấp tại ngân hàng' where id = $1", certificate);

        var oldUse = Assert.Single(await db.RowsAsync("select purpose_code, written_by, ended_by, change from history.land_land_uses where id = $1", landUse));
        Assert.Equal("CLN", oldUse["purpose_code"]);
        Assert.Equal("submission:1001", oldUse["written_by"]);
        Assert.Equal("submission:1002", oldUse["ended_by"]);
        Assert.Equal("update", oldUse["change"]);
        var oldCertificate = Assert.Single(await db.RowsAsync("select restrictions, ended_by, change from history.land_certificates where id = $1", certificate));
        Assert.Null(oldCertificate["restrictions"]);
        Assert.Equal("submission:1002", oldCertificate["ended_by"]);
        Assert.Equal("update", oldCertificate["change"]);
    }

    [Fact]
    public async Task retiring_a_parcel_keeps_the_last_versions_of_its_land_uses_and_certificates()
    {
        var parcel = await InsertParcelAsync("submission:1101", 11, 400.0m);
        var landUse = await db.WriteAsync<long>("submission:1101", """
            insert into land.land_uses (parcel_id, purpose_code, area_m2, long_term, origin_code, is_main)
            values ($1, 'ONT', 400, true, 'DG-CTT', true) returning id
            """, parcel);
        var certificate = await db.WriteAsync<long>("submission:1101", """
            insert into land.certificates (parcel_id, serial, register_no, issued_on, issuer, rights)
            values ($1, 'DA 110001', 'CS01101', date '2020-03-02', 'UBND huyện Đồng Phú', 'Quyền sử dụng đất') returning id
            """, parcel);

        // The cascade deletes the parcel's land uses and certificates; their triggers fire too.
        await db.WriteAsync<object?>("submission:1102", "delete from land.parcels where id = $1", parcel);

        var lastUse = Assert.Single(await db.RowsAsync("select ended_by, change from history.land_land_uses where id = $1", landUse));
        var lastCertificate = Assert.Single(await db.RowsAsync("select ended_by, change from history.land_certificates where id = $1", certificate));
        Assert.Equal(("submission:1102", "delete"), ((string)lastUse["ended_by"]!, (string)lastUse["change"]!));
        Assert.Equal(("submission:1102", "delete"), ((string)lastCertificate["ended_by"]!, (string)lastCertificate["change"]!));
    }
}

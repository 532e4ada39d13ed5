namespace DataHub.Tests.Reports;

/// <summary>A hub of its own: these tests change the land after the seed.</summary>
public sealed class ReportHistoryHubFixture : ReportsHubFixture;

/// <summary>
/// "As at a date" through history: a change recorded today changes today's figures and not
/// those of 2024, whether the report reads built facts, stale facts or none.
/// </summary>
public sealed class ReportHistoryTests(ReportHistoryHubFixture hub) : IClassFixture<ReportHistoryHubFixture>
{
    [Fact]
    public async Task a_purpose_changed_and_a_parcel_retired_today_leave_2024_as_it_was()
    {
        var today = ReportsHubFixture.Today;
        await hub.RebuildFactsAsync();
        var before2024 = (await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old")).NonZeroComputed();
        var beforeToday = (await hub.ReportAsync("01-tkkk", $"date={today}&units=new")).NonZeroComputed();

        // A perennial-crop parcel of 2010 becomes annual crops; another old parcel is retired.
        var changed = await hub.ScalarAsync<long>("""
            select min(p.id) from land.parcels p join land.land_uses lu on lu.parcel_id = p.id
            where p.registered_on < '2020-01-01' and lu.purpose_code = 'CLN' and lu.is_main
              and (select count(*) from land.land_uses x where x.parcel_id = p.id) = 1
            """);
        var changedArea = await hub.ScalarAsync<decimal>("select area_m2 from land.land_uses where parcel_id = $1", changed);
        var changedType = await hub.ScalarAsync<string>("""
            select u.user_type_code from land.parcel_users pu join personal.land_users u on u.id = pu.land_user_id
            where pu.parcel_id = $1 order by pu.id limit 1
            """, changed);
        var retired = await hub.ScalarAsync<long>("select min(id) from land.parcels where registered_on < '2020-01-01' and id <> $1", changed);
        var retiredArea = await hub.ScalarAsync<decimal>("select sum(area_m2) from land.land_uses where parcel_id = $1", retired);
        await hub.ExecuteAsWriterAsync($"""
            update land.land_uses set purpose_code = 'HNK' where parcel_id = {changed};
            delete from land.parcels where id = {retired};
            """);

        // Stale facts (the change is newer than them), no facts, then rebuilt facts: the same figures.
        foreach (var step in (string[])["stale", "none", "rebuilt"])
        {
            if (step == "none")
            {
                await hub.DropFactsAsync();
            }
            else if (step == "rebuilt")
            {
                await hub.RebuildFactsAsync();
            }
            var at2024 = (await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old")).NonZeroComputed();
            Assert.Equal(before2024, at2024);

            var now = (await hub.ReportAsync("01-tkkk", $"date={today}&units=new")).NonZeroComputed();
            Assert.Equal(beforeToday[("CLN", changedType)] - changedArea, now.GetValueOrDefault(("CLN", changedType)));
            Assert.Equal(beforeToday.GetValueOrDefault(("HNK", changedType)) + changedArea, now[("HNK", changedType)]);
            Assert.Equal(beforeToday.Values.Sum() - retiredArea, now.Values.Sum());
        }
    }
}

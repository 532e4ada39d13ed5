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

        // Stale facts (the change is newer than them), refreshed, none, then rebuilt: the same figures.
        await hub.InEveryFactsStateAsync(async () =>
        {
            var at2024 = (await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old")).NonZeroComputed();
            Assert.Equal(before2024, at2024);

            var now = (await hub.ReportAsync("01-tkkk", $"date={today}&units=new")).NonZeroComputed();
            Assert.Equal(beforeToday[("CLN", changedType)] - changedArea, now.GetValueOrDefault(("CLN", changedType)));
            Assert.Equal(beforeToday.GetValueOrDefault(("HNK", changedType)) + changedArea, now[("HNK", changedType)]);
            Assert.Equal(beforeToday.Values.Sum() - retiredArea, now.Values.Sum());
        });
    }

    [Fact]
    public async Task a_user_retyped_and_a_user_linked_today_change_todays_user_counts_and_leave_2024s()
    {
        var today = ReportsHubFixture.Today;
        await hub.RebuildFactsAsync();
        var before2024 = (await hub.ReportAsync("02-tkkk", "date=2024-12-31&units=old")).NonZeroComputed();
        var beforeToday = (await hub.ReportAsync("02-tkkk", $"date={today}&units=new")).NonZeroComputed();

        // The commonest user type loses a user of old parcels to the next commonest, which also
        // gains a new user linked today to an old parcel.
        var from = await hub.ScalarAsync<string>("select user_type_code from personal.land_users group by 1 order by count(*) desc, 1 limit 1");
        var to = await hub.ScalarAsync<string>("select user_type_code from personal.land_users where user_type_code <> $1 group by 1 order by count(*) desc, 1 limit 1", from);
        var retyped = await hub.ScalarAsync<long>("""
            select u.id from personal.land_users u
            where u.user_type_code = $1
              and exists (select 1 from land.parcel_users pu where pu.land_user_id = u.id)
              and not exists (select 1 from land.parcel_users pu join land.parcels p on p.id = pu.parcel_id
                              where pu.land_user_id = u.id and p.registered_on >= '2020-01-01')
            order by u.id limit 1
            """, from);
        var parcel = await hub.ScalarAsync<long>("select max(id) from land.parcels where registered_on < '2020-01-01'");
        var role = await hub.ScalarAsync<string>("select min(role) from land.parcel_users");
        await hub.ExecuteAsWriterAsync($"""
            update personal.land_users set user_type_code = '{to}' where id = {retyped};
            with u as (insert into personal.land_users (user_type_code, full_name) values ('{to}', 'Người sử dụng thử') returning id)
            insert into land.parcel_users (parcel_id, land_user_id, role) select {parcel}, id, '{role}' from u;
            """);

        // Stale facts, refreshed, none, then rebuilt: the same figures.
        await hub.InEveryFactsStateAsync(async () =>
        {
            Assert.Equal(before2024, (await hub.ReportAsync("02-tkkk", "date=2024-12-31&units=old")).NonZeroComputed());
            var now = (await hub.ReportAsync("02-tkkk", $"date={today}&units=new")).NonZeroComputed();
            Assert.Equal(beforeToday[(from, "USERS")] - 1, now.GetValueOrDefault((from, "USERS")));
            Assert.Equal(beforeToday.GetValueOrDefault((to, "USERS")) + 2, now[(to, "USERS")]);
        });
    }

    [Fact]
    public async Task refreshing_the_changed_parcels_leaves_the_same_facts_as_a_rebuild()
    {
        await hub.RebuildFactsAsync();
        var parcel = await hub.ScalarAsync<long>("select max(id) from land.parcels where registered_on < '2015-01-01'");
        var user = await hub.ScalarAsync<long>("select min(land_user_id) from land.parcel_users where parcel_id <> $1", parcel);
        var other = await hub.ScalarAsync<long>("select min(id) from land.parcels where id <> $1 and registered_on < '2015-01-01'", parcel);
        var role = await hub.ScalarAsync<string>("select min(role) from land.parcel_users");
        await hub.ExecuteAsWriterAsync($"""
            update land.land_uses set area_m2 = area_m2 + 1 where parcel_id = {parcel};
            insert into land.parcel_users (parcel_id, land_user_id, role) values ({parcel}, {user}, '{role}') on conflict do nothing;
            update personal.land_users set user_type_code = case user_type_code when 'GDC' then 'CNV' else 'GDC' end where id = {user};
            delete from land.parcels where id = {other};
            """);

        var refreshed = await hub.RefreshFactsAsync();
        Assert.InRange(refreshed!.Value, 2, 100); // the changed parcels, with those of the retyped user
        var incremental = await hub.FactsAsync();
        Assert.Equal(-1, await hub.RebuildFactsAsync());
        Assert.Equal(await hub.FactsAsync(), incremental);
        Assert.Equal(0, await hub.RefreshFactsAsync()); // nothing changed since
    }
}

using System.Globalization;
using System.Text.Json;

namespace DataHub.Tests.Reports;

/// <summary>
/// The operational reports' figures against counts written here in plain SQL over the dossier,
/// sharing and outbox tables (not through the reports' queries or the reports schema), on the
/// seeded history, for periods across the 2025 reorganisation, by old and by new units. The due
/// date of a dossier is the domain's own (dossiers.due_on, tested with the dossiers).
/// </summary>
public sealed class OperationalStatisticsReportTests(OperationalReportsHubFixture hub) : IClassFixture<OperationalReportsHubFixture>
{
    private static readonly string Today = OperationalReportsHubFixture.TodayInProvince.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- dossiers ------------------------------------------------------------------------

    // The line of a dossier: procedure, the month of the figure's own day, the commune (today's:
    // the sample's one succession step; old: the commune its parcel was registered under) or the
    // office (the department's chain in 0014: stnmt-bp -> snnmt-bp -> snnmt-dn).
    private static string DossierKey(string by, string day) => by switch
    {
        "procedure" => "d.procedure_code",
        "month" => $"to_char({day}, 'YYYY-MM')",
        "unit-new" => "coalesce(s.new_code, d.commune_code)",
        "unit-old" => "coalesce(op.old_code, d.commune_code)",
        "office-new" => "case when d.unit_code in ('stnmt-bp', 'snnmt-bp') then 'snnmt-dn' else d.unit_code end",
        "office-old" => "d.unit_code",
        _ => "'TOTAL'",
    };

    private const string DossierJoins = """
        from dossiers.dossiers d
        left join ref.admin_unit_successions s on s.old_code = d.commune_code
        left join lateral (select coalesce(p.old_commune_code, p.commune_code) as old_code
                           from dossiers.parcels dp join land.parcels p on p.id = dp.parcel_id where dp.dossier_id = d.id limit 1) op on true
        left join (select dossier_id, (min(at) at time zone 'Asia/Ho_Chi_Minh')::date as on_day from dossiers.steps
                   where to_state in ('result-ready', 'returned') group by 1) f on f.dossier_id = d.id
        left join (select dossier_id, (min(at) at time zone 'Asia/Ho_Chi_Minh')::date as on_day from dossiers.steps
                   where to_state = 'rejected' group by 1) r on r.dossier_id = d.id
        """;

    private async Task<Dictionary<(string, string), decimal>> ExpectedDossiersAsync(string by, string from, string until)
    {
        var expected = new Dictionary<(string, string), decimal>();
        var open = "d.state in ('received', 'needs-supplement', 'in-processing', 'waiting-for-financial-obligation', 'obligation-fulfilled', 'paused')";
        var columns = new (string Column, string Day, string Where)[]
        {
            ("RECEIVED", "d.received_on", "true"),
            ("ON_TIME", "f.on_day", "f.on_day <= dossiers.due_on(d.id, $3::date)"),
            ("LATE", "f.on_day", "f.on_day > dossiers.due_on(d.id, $3::date)"),
            ("REJECTED", "r.on_day", "true"),
            ("OPEN_IN_TIME", "d.received_on", $"{open} and $3::date <= dossiers.due_on(d.id, $3::date)"),
            ("OPEN_OVERDUE", "d.received_on", $"{open} and $3::date > dossiers.due_on(d.id, $3::date)"),
        };
        foreach (var (column, day, where) in columns)
        {
            var figures = await hub.FiguresAsync($"""
                select {DossierKey(by, day)}, count(*)::numeric {DossierJoins}
                where {day} >= $1::date and {day} < $2::date and {where} group by 1
                """, from, until, Today);
            foreach (var (key, value) in figures)
            {
                expected[(key, column)] = value;
            }
        }
        foreach (var key in expected.Keys.Select(k => k.Item1).Distinct().ToList())
        {
            var onTime = expected.GetValueOrDefault((key, "ON_TIME"));
            var late = expected.GetValueOrDefault((key, "LATE"));
            if (onTime + late > 0)
            {
                expected[(key, "ON_TIME_RATE")] = Math.Round(100m * onTime / (onTime + late), 1, MidpointRounding.AwayFromZero);
            }
        }
        return expected.Where(e => e.Value != 0).ToDictionary();
    }

    [Theory]
    [InlineData("procedure", "procedure", null)]
    [InlineData("month", "month", null)]
    [InlineData("unit", "unit-new", "new")]
    [InlineData("unit", "unit-old", "old")]
    [InlineData("office", "office-new", "new")]
    [InlineData("office", "office-old", "old")]
    public async Task every_dossier_figure_across_the_2025_change_equals_a_count_over_the_dossier_tables(string by, string keys, string? units)
    {
        var report = await hub.OperationalAsync("dossiers", $"from=2025-01&to=2026-06&by={by}{(units is null ? "" : "&units=" + units)}");
        Assert.Equal(await ExpectedDossiersAsync(keys, "2025-01-01", "2026-07-01"), report.NonZeroComputed());
        Assert.Equal(await ExpectedDossiersAsync("total", "2025-01-01", "2026-07-01"),
            report.TotalCells().Where(c => c.Value != 0).ToDictionary(c => ("TOTAL", c.Key), c => c.Value));
    }

    [Fact]
    public async Task a_period_counts_only_what_happened_in_it()
    {
        var report = await hub.OperationalAsync("dossiers", "from=2025-05&to=2025-08&by=month");
        Assert.Equal(["2025-05", "2025-06", "2025-07", "2025-08"], report.DetailKeys());
        Assert.Equal(await ExpectedDossiersAsync("month", "2025-05-01", "2025-09-01"), report.NonZeroComputed());
        // Dossiers received in April and finished in May count as finished in May, not as received.
        Assert.True(report.Cell("2025-05", "ON_TIME").Computed() + report.Cell("2025-05", "LATE").Computed() > 0);
    }

    [Fact]
    public async Task old_units_keep_the_communes_merged_in_2025_and_new_units_put_them_under_their_successor()
    {
        var oldUnits = await hub.OperationalAsync("dossiers", "from=2025-01&to=2026-06&by=unit&units=old");
        var newUnits = await hub.OperationalAsync("dossiers", "from=2025-01&to=2026-06&by=unit&units=new");
        var merged = (await hub.FiguresAsync("select old_code, 1::numeric from ref.admin_unit_successions where effective_on = '2025-07-01' and old_code ~ '^[0-9]{5}$'")).Keys.ToHashSet();
        Assert.NotEmpty(merged);
        // Old units: dossiers received before and after the change under the old communes; new: none of them left.
        Assert.Contains(oldUnits.DetailKeys(), merged.Contains);
        Assert.DoesNotContain(newUnits.DetailKeys(), merged.Contains);
        Assert.True(oldUnits.DetailKeys().Count > newUnits.DetailKeys().Count);
        Assert.Equal(oldUnits.TotalCells(), newUnits.TotalCells());
        // Offices: the two departments of Bình Phước of 2025 are today's Đồng Nai department.
        var offices = await hub.OperationalAsync("dossiers", "from=2025-01&to=2026-06&by=office&units=new");
        Assert.Equal(["snnmt-dn", "vpdk-dn"], offices.DetailKeys());
        var oldOffices = await hub.OperationalAsync("dossiers", "from=2025-01&to=2026-06&by=office&units=old");
        Assert.Equal(["snnmt-bp", "stnmt-bp", "vpdk-dn"], oldOffices.DetailKeys());
    }

    [Fact]
    public async Task the_default_period_is_the_last_twelve_months_and_counts_yesterdays_dossiers_as_open_in_time()
    {
        var report = await hub.OperationalAsync("dossiers", "");
        var months = report.DetailKeys();
        Assert.Equal(12, months.Count);
        Assert.Equal(OperationalReportsHubFixture.ThisMonth, months[^1]);
        Assert.Equal(report.GetProperty("period").GetProperty("from").GetString(), months[0]);
        // Yesterday may be last month on the first of a month: look at the total.
        Assert.True(report.Cell("TOTAL", "OPEN_IN_TIME").Computed() >= 6);
    }

    // ---- sharing -------------------------------------------------------------------------

    private static string SharingKey(string by, string at, string unit, string datasets) => by switch
    {
        "month" => $"to_char({at} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')",
        "dataset" => $"unnest({datasets})",
        "unit-new" => $"case when {unit} in ('stnmt-bp', 'snnmt-bp') then 'snnmt-dn' else {unit} end",
        "unit-old" => unit,
        _ => "'TOTAL'",
    };

    private async Task<Dictionary<(string, string), decimal>> ExpectedSharingAsync(string by, string from, string until)
    {
        const string Bounds = "between ($1::date::timestamp at time zone 'Asia/Ho_Chi_Minh') and ($2::date::timestamp at time zone 'Asia/Ho_Chi_Minh') - interval '1 microsecond'";
        var queries = new (string Column, string Sql)[]
        {
            ("FILED", $"select {SharingKey(by, "r.filed_at", "r.requester_unit", "r.datasets")}, count(*)::numeric from special_sharing.requests r where r.filed_at {Bounds} group by 1"),
            ("OPEN_OVERDUE", $"""
                select {SharingKey(by, "r.filed_at", "r.requester_unit", "r.datasets")}, count(*)::numeric from special_sharing.requests r
                where r.filed_at {Bounds} and r.state in ('submitted', 'information-requested', 'counter-proposed') and r.decision_due_on < $3::date group by 1
                """),
            ("APPROVED", $"""
                select {SharingKey(by, "s.at", "r.requester_unit", "r.datasets")}, count(*)::numeric
                from special_sharing.steps s join special_sharing.requests r on r.id = s.request_id where s.to_state = 'approved' and s.at {Bounds} group by 1
                """),
            ("REFUSED", $"""
                select {SharingKey(by, "s.at", "r.requester_unit", "r.datasets")}, count(*)::numeric
                from special_sharing.steps s join special_sharing.requests r on r.id = s.request_id where s.to_state = 'refused' and s.at {Bounds} group by 1
                """),
            ("DECISION_DAYS", $"""
                select {SharingKey(by, "s.at", "r.requester_unit", "r.datasets")}, round(avg(extract(epoch from s.at - r.filed_at) / 86400), 1)
                from special_sharing.steps s join special_sharing.requests r on r.id = s.request_id where s.to_state in ('approved', 'refused') and s.at {Bounds} group by 1
                """),
            ("GRANTS", $"select {SharingKey(by, "g.granted_at", "g.grantee_unit", "g.datasets")}, count(*)::numeric from special_sharing.grants g where g.granted_at {Bounds} group by 1"),
            ("READS", $"""
                select {SharingKey(by, "x.at", "g.grantee_unit", "array[x.collection]")}, count(*)::numeric
                from special_sharing.grant_reads x join special_sharing.grants g on g.id = x.grant_id where x.at {Bounds} group by 1
                """),
            ("RECORDS", $"""
                select {SharingKey(by, "x.at", "g.grantee_unit", "array[x.collection]")}, sum(x.records)::numeric
                from special_sharing.grant_reads x join special_sharing.grants g on g.id = x.grant_id where x.at {Bounds} group by 1
                """),
        };
        var expected = new Dictionary<(string, string), decimal>();
        foreach (var (column, sql) in queries)
        {
            foreach (var (key, value) in await hub.FiguresAsync(sql, from, until, Today))
            {
                expected[(key, column)] = value;
            }
        }
        return expected.Where(e => e.Value != 0).ToDictionary();
    }

    [Theory]
    [InlineData("month", "month", null)]
    [InlineData("dataset", "dataset", null)]
    [InlineData("unit", "unit-new", "new")]
    [InlineData("unit", "unit-old", "old")]
    public async Task every_sharing_figure_equals_a_count_over_the_requests_steps_grants_and_reads(string by, string keys, string? units)
    {
        var report = await hub.OperationalAsync("sharing", $"from=2025-01&to=2026-06&by={by}{(units is null ? "" : "&units=" + units)}");
        Assert.Equal(await ExpectedSharingAsync(keys, "2025-01-01", "2026-07-01"), report.NonZeroComputed());
        var total = (await ExpectedSharingAsync("total", "2025-01-01", "2026-07-01")).ToDictionary(e => e.Key.Item2, e => e.Value);
        Assert.Equal(total, report.TotalCells().Where(c => c.Value != 0).ToDictionary());
    }

    [Fact]
    public async Task a_request_naming_two_datasets_counts_under_each_and_once_in_the_total()
    {
        var report = await hub.OperationalAsync("sharing", "from=2025-01&to=2026-06&by=dataset");
        var filed = report.Cell("parcels", "FILED").Computed() + report.Cell("parcel-users", "FILED").Computed();
        Assert.True(filed > report.Cell("TOTAL", "FILED").Computed());
        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from special_sharing.requests where filed_at < '2026-07-01'"),
            (long)report.Cell("TOTAL", "FILED").Computed());
        var merged = await hub.OperationalAsync("sharing", "from=2025-01&to=2026-06&by=unit&units=new");
        Assert.DoesNotContain("stnmt-bp", merged.DetailKeys());
        Assert.Contains("stnmt-bp", (await hub.OperationalAsync("sharing", "from=2025-01&to=2026-06&by=unit&units=old")).DetailKeys());
    }

    // ---- deliveries ----------------------------------------------------------------------

    private async Task<Dictionary<(string, string), decimal>> ExpectedDeliveriesAsync(string by, string from, string until)
    {
        const string Bounds = "between ($1::date::timestamp at time zone 'Asia/Ho_Chi_Minh') and ($2::date::timestamp at time zone 'Asia/Ho_Chi_Minh') - interval '1 microsecond'";
        string Key(string at) => by == "month" ? $"to_char({at} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')" : by == "target" ? "m.target" : "'TOTAL'";
        var queries = new (string Column, string Sql)[]
        {
            ("CREATED", $"select {Key("m.created_at")}, count(*)::numeric from outbox.messages m where m.created_at {Bounds} group by 1"),
            ("SENT", $"select {Key("m.finished_at")}, count(*)::numeric from outbox.messages m where m.status = 'delivered' and m.finished_at {Bounds} group by 1"),
            ("DELIVERY_MINUTES", $"select {Key("m.finished_at")}, round(avg(extract(epoch from m.finished_at - m.created_at) / 60), 1) from outbox.messages m where m.status = 'delivered' and m.finished_at {Bounds} group by 1"),
            ("FAILED", $"select {Key("m.finished_at")}, count(*)::numeric from outbox.messages m where m.status = 'dead' and m.finished_at {Bounds} group by 1"),
            ("PENDING", $"select {Key("m.created_at")}, count(*)::numeric from outbox.messages m where m.status = 'pending' and m.created_at {Bounds} group by 1"),
            ("ATTEMPTS", $"select {Key("a.at")}, count(*)::numeric from outbox.attempts a join outbox.messages m on m.id = a.message_id where a.outcome <> 'replayed' and a.at {Bounds} group by 1"),
        };
        var expected = new Dictionary<(string, string), decimal>();
        foreach (var (column, sql) in queries)
        {
            foreach (var (key, value) in await hub.FiguresAsync(sql, from, until))
            {
                expected[(key, column)] = value;
            }
        }
        return expected.Where(e => e.Value != 0).ToDictionary();
    }

    [Theory]
    [InlineData("target")]
    [InlineData("month")]
    public async Task every_delivery_figure_equals_a_count_over_the_outbox_and_the_lag_is_the_oldest_pending_message(string by)
    {
        const string Lag = """
            select {0}, round(extract(epoch from now() - min(m.created_at)) / 60, 1) from outbox.messages m
            where m.status = 'pending' and m.created_at >= '2025-05-01' and m.created_at < '2026-07-01' group by 1
            """;
        var key = by == "month" ? "to_char(m.created_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')" : "m.target";
        var before = await hub.FiguresAsync(string.Format(CultureInfo.InvariantCulture, Lag, key));
        var report = await hub.OperationalAsync("deliveries", $"from=2025-05&to=2026-06&by={by}");
        var after = await hub.FiguresAsync(string.Format(CultureInfo.InvariantCulture, Lag, key));

        var figures = report.NonZeroComputed();
        Assert.Equal(await ExpectedDeliveriesAsync(by, "2025-05-01", "2026-07-01"), figures.Where(f => f.Key.Item2 != "LAG_MINUTES").ToDictionary());
        Assert.Equal(before.Keys.Order(), figures.Where(f => f.Key.Item2 == "LAG_MINUTES").Select(f => f.Key.Item1).Order());
        foreach (var (line, lag) in before)
        {
            Assert.InRange(figures[(line, "LAG_MINUTES")], lag, after[line]);
        }
        var total = (await ExpectedDeliveriesAsync("total", "2025-05-01", "2026-07-01")).ToDictionary(e => e.Key.Item2, e => e.Value);
        Assert.Equal(total, report.TotalCells().Where(c => c.Key != "LAG_MINUTES" && c.Value != 0).ToDictionary());
    }

    [Fact]
    public async Task delivery_lines_by_target_are_the_targets_of_the_deliveries_endpoint_with_its_pending_counts()
    {
        var report = await hub.OperationalAsync("deliveries", $"from=2025-05&to={OperationalReportsHubFixture.ThisMonth}&by=target");
        var summary = JsonDocument.Parse(await hub.CreateClient().GetStringAsync("/api/v1/deliveries")).RootElement;
        var targets = summary.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(targets.Select(t => t.GetProperty("target").GetString()!).Order(), report.DetailKeys().Order());
        foreach (var target in targets)
        {
            var name = target.GetProperty("target").GetString()!;
            Assert.Equal(target.GetProperty("pending").GetInt64(), (long)report.Cell(name, "PENDING").Computed());
        }
    }
}

/// <summary>Reading an operational report's JSON.</summary>
public static class OperationalReportJson
{
    /// <summary>The keys of the detail lines in order.</summary>
    public static List<string> DetailKeys(this JsonElement report) =>
        report.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("line").GetProperty("level").GetInt32() == 2)
            .Select(l => l.GetProperty("key").GetString()!).ToList();

    /// <summary>The total line's figures by column.</summary>
    public static Dictionary<string, decimal> TotalCells(this JsonElement report)
    {
        var columns = report.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList();
        var total = report.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("key").GetString() == "TOTAL").GetProperty("cells");
        return columns.Select((c, i) => (c, total[i].Computed())).ToDictionary(x => x.c, x => x.Item2);
    }
}

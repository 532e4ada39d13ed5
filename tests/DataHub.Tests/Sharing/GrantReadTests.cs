using System.Net;
using System.Text.Json;
using DataHub.Tests.Collections;
using DataHub.Tests.Infrastructure;
using static DataHub.Tests.Sharing.SharingHubFixture;

namespace DataHub.Tests.Sharing;

/// <summary>Reading through a grant: exactly its fields and rows, in its period, until revoked; every read audited.</summary>
public sealed class GrantReadTests(SharingHubFixture hub) : IClassFixture<SharingHubFixture>
{
    private static readonly string[] Granted = ["parcel_id", "role", "full_name"];

    private string Items(string grantId, string query = "") => $"/api/v1/grants/{grantId}/collections/parcel-users/items{query}";

    [Fact]
    public async Task a_grantee_reads_only_the_granted_fields_and_rows_with_the_ogc_parameters()
    {
        var grantId = await hub.GrantAsync(Granted, "role = 'owner'", Today, Today.AddDays(30));
        using var client = hub.As(hub.RequesterClient); // a system of the unit, with no role at all
        var all = await Ogc.GetJsonAsync(client, Items(grantId, "?limit=10000"));
        var expected = await hub.CountInCommuneAsync("pu.role = 'owner'");
        Assert.True(expected > 10);
        Assert.Equal(expected, all.GetProperty("numberMatched").GetInt64());
        Assert.Equal(expected, Ogc.Features(all).Count);

        // The items' collection link leads to the collection as the grant gives it.
        var collection = await Ogc.GetJsonAsync(client, Ogc.Link(all, "collection")!);
        Assert.Equal("parcel-users", collection.GetProperty("id").GetString());
        Assert.Equal(Granted, collection.GetProperty("queryables").EnumerateObject().Select(p => p.Name));

        // Another field: not shown, not filterable, not sortable, not a parameter.
        Assert.All(Ogc.Features(all), f => Assert.Equal(Granted, f.GetProperty("properties").EnumerateObject().Select(p => p.Name)));
        var personal = await hub.ScalarAsync<string[]>("select array_agg(id_number) from personal.land_users where id_number is not null");
        var body = all.ToString();
        Assert.DoesNotContain(personal, n => n.Length >= 6 && body.Contains(n, StringComparison.Ordinal));
        foreach (var query in new[] { "?filter=id_number%20IS%20NOT%20NULL", "?sortby=birth_year", "?id_number=1", "?filter=share%20%3E%200" })
        {
            await Problems.AssertProblemAsync(await client.GetAsync(Items(grantId, query)), HttpStatusCode.BadRequest);
        }
        var csv = await client.GetStringAsync(Items(grantId, "?f=csv&limit=10000"));
        Assert.StartsWith("id,parcel_id,role,full_name", csv, StringComparison.Ordinal);
        Assert.Equal(expected, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);

        // Another row: the caller's filter narrows further, never wider; rows outside are not found.
        var page = await Ogc.GetJsonAsync(client, Items(grantId, "?filter=" + Uri.EscapeDataString("role = 'co-owner' OR role = 'owner'") + "&limit=3&sortby=-parcel_id"));
        Assert.Equal(3, Ogc.Features(page).Count);
        Assert.All(Ogc.Features(page), f => Assert.Equal("owner", f.GetProperty("properties").GetProperty("role").GetString()));
        var coOwner = await hub.ScalarAsync<long>("select min(pu.id) from restricted.parcel_users pu where pu.role <> 'owner'");
        await Problems.AssertProblemAsync(await client.GetAsync(Items(grantId, $"/{coOwner}")), HttpStatusCode.NotFound);
        var elsewhere = await hub.ScalarAsync<long>("""
            select min(pu.id) from restricted.parcel_users pu join land.parcels p on p.id = pu.parcel_id
            where pu.role = 'owner' and not ST_Intersects(p.geom, (select boundary from ref.admin_units where code = $1 order by valid_from desc limit 1))
            """, hub.Commune);
        await Problems.AssertProblemAsync(await client.GetAsync(Items(grantId, $"/{elsewhere}")), HttpStatusCode.NotFound);
        var inside = Ogc.Ids(page)[0];
        var one = await Ogc.GetJsonAsync(client, Items(grantId, $"/{inside}"));
        Assert.Equal(Granted, one.GetProperty("properties").EnumerateObject().Select(p => p.Name));

        // Another dataset: neither through the grant nor through default sharing.
        await Problems.AssertProblemAsync(await client.GetAsync($"/api/v1/grants/{grantId}/collections/parcels/items"), HttpStatusCode.NotFound);
        using var reader = hub.As(hub.Requester);
        await Problems.AssertProblemAsync(await reader.GetAsync("/api/v1/collections/parcel-users/items"), HttpStatusCode.NotFound);

        // Every read is in the audit trail: who, how many records, which fields.
        var audit = await Ogc.GetJsonAsync(hub.CreateClient(), $"/api/v1/audit?target=grant:{grantId}&action=grant.read");
        var entries = audit.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "grant.read").ToList();
        var first = entries.Single(e => e.GetProperty("details").GetProperty("query").GetString() == "?limit=10000");
        Assert.Equal("client:thue-gis", first.GetProperty("actor").GetString());
        Assert.Equal(expected, first.GetProperty("details").GetProperty("records").GetInt64());
        Assert.Equal(Granted, first.GetProperty("details").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["full_name"], first.GetProperty("details").GetProperty("personalFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains(entries, e => e.GetProperty("details").GetProperty("records").GetInt64() == 3);
        Assert.Contains(entries, e => e.GetProperty("details").GetProperty("via").GetString() == "item" && e.GetProperty("details").GetProperty("records").GetInt64() == 0);
    }

    [Fact]
    public async Task a_grant_is_read_only_within_its_period_and_until_it_is_revoked()
    {
        using var grantee = hub.As(hub.Requester);

        // Before its start.
        var later = await hub.GrantAsync(Granted, null, Today.AddDays(3), Today.AddDays(30));
        var early = await Problems.AssertProblemAsync(await grantee.GetAsync(Items(later)), HttpStatusCode.Forbidden);
        Assert.Equal("scheduled", early.GetProperty("grantStatus").GetString());
        Assert.Equal("scheduled", (await Ogc.GetJsonAsync(grantee, $"/api/v1/grants/{later}")).GetProperty("status").GetString());

        // After its end: the period passes (moved back in time), and the next request is refused.
        var ending = await hub.GrantAsync(Granted, null, Today, Today.AddDays(30));
        Assert.Equal(HttpStatusCode.OK, (await grantee.GetAsync(Items(ending))).StatusCode);
        await hub.ExecuteAsync("update special_sharing.grants set valid_from = now() - interval '31 days', valid_to = now() - interval '1 second' where id = $1", Guid.Parse(ending));
        var expired = await Problems.AssertProblemAsync(await grantee.GetAsync(Items(ending)), HttpStatusCode.Forbidden);
        Assert.Equal("expired", expired.GetProperty("grantStatus").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await grantee.GetAsync(Items(ending, "/1"))).StatusCode);

        // Revoked: by the dataset's reviewer, not by the grantee; effective on the next request.
        var revoked = await hub.GrantAsync(Granted, null, Today, Today.AddDays(30));
        Assert.Equal(HttpStatusCode.OK, (await grantee.GetAsync(Items(revoked))).StatusCode);
        var revocation = new StringContent("""{"reasons": "Đơn vị đã có dữ liệu qua NDOP."}""", System.Text.Encoding.UTF8, "application/json");
        var notYours = await Problems.AssertProblemAsync(await grantee.PostAsync($"/api/v1/grants/{revoked}/revocation", revocation), HttpStatusCode.Forbidden);
        Assert.Equal("approved", notYours.GetProperty("state").GetString());
        using var reviewer = hub.As(hub.Reviewer);
        await Problems.AssertProblemAsync(await reviewer.PostAsync($"/api/v1/grants/{revoked}/revocation",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        var done = await reviewer.PostAsync($"/api/v1/grants/{revoked}/revocation", revocation);
        Assert.Equal(HttpStatusCode.Created, done.StatusCode);
        var gone = await Problems.AssertProblemAsync(await grantee.GetAsync(Items(revoked)), HttpStatusCode.Forbidden);
        Assert.Equal("revoked", gone.GetProperty("grantStatus").GetString());
        Assert.Contains("NDOP", gone.GetProperty("detail").GetString());
        var grant = await Ogc.GetJsonAsync(grantee, $"/api/v1/grants/{revoked}");
        Assert.Equal("revoked", grant.GetProperty("status").GetString());
        var again = await Problems.AssertProblemAsync(await reviewer.PostAsync($"/api/v1/grants/{revoked}/revocation", revocation), HttpStatusCode.Conflict);
        Assert.Equal("revoked", again.GetProperty("state").GetString());
        var events = await hub.ScalarAsync<string[]>("select array_agg(kind order by id) from special_sharing.events where grant_id = $1", Guid.Parse(revoked));
        Assert.Equal(["grant.created", "request.approve", "grant.revoked", "request.revoke"], events);

        // The department's administrator may revoke too.
        var other = await hub.GrantAsync(Granted, null, Today, Today.AddDays(30));
        using var admin = hub.As(hub.Administrator);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/v1/grants/{other}/revocation",
            new StringContent("""{"reasons": "Hết nhu cầu."}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await grantee.GetAsync(Items(other))).StatusCode);
    }

    [Fact]
    public async Task a_grant_without_an_area_covers_every_row_its_filter_allows_and_personal_fields_only_when_named()
    {
        var grantId = await hub.GrantAsync(["parcel_id", "id_number"], "role = 'manager'", Today, Today.AddDays(5), withArea: false);
        using var grantee = hub.As(hub.Requester);
        var all = await Ogc.GetJsonAsync(grantee, Items(grantId, "?limit=10000"));
        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from restricted.parcel_users where role = 'manager'"), Ogc.Features(all).Count);
        Assert.All(Ogc.Features(all), f => Assert.Equal(["parcel_id", "id_number"], f.GetProperty("properties").EnumerateObject().Select(p => p.Name)));

        // A request that names no fields gets the dataset's fields that are not personal.
        var request = await hub.FileAsync(Scope([new { dataset = "parcel-users" }], Today, Today.AddDays(5)));
        Assert.Equal(["parcel_id", "role", "share", "user_type_code", "updated_at"],
            request.GetProperty("scope").GetProperty("datasets")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task a_grant_has_a_rate_limit_per_hour()
    {
        var grantId = await hub.GrantAsync(Granted, null, Today, Today.AddDays(5), rateLimit: 2);
        using var grantee = hub.As(hub.Requester);
        Assert.Equal(HttpStatusCode.OK, (await grantee.GetAsync(Items(grantId, "?limit=1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await grantee.GetAsync(Items(grantId, "?limit=1&f=csv"))).StatusCode);
        var limited = await grantee.GetAsync(Items(grantId, "?limit=1"));
        await Problems.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Equal(2, (await Ogc.GetJsonAsync(grantee, $"/api/v1/grants/{grantId}")).GetProperty("reads").GetInt64());
    }

    [Fact]
    public async Task a_one_off_extract_is_made_in_the_grants_scope_and_downloaded_by_the_grantee_only()
    {
        var grantId = await hub.GrantAsync(Granted, "role = 'owner'", Today, Today.AddDays(5), delivery: "extract", format: "csv");
        using var grantee = hub.As(hub.Requester);
        JsonElement extract = default;
        for (var i = 0; i < 100; i++)
        {
            extract = (await Ogc.GetJsonAsync(grantee, $"/api/v1/grants/{grantId}")).GetProperty("extracts")[0];
            if (extract.GetProperty("status").GetString() is "done" or "failed")
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal("done", extract.GetProperty("status").GetString());
        var expected = await hub.CountInCommuneAsync("pu.role = 'owner'");
        Assert.Equal(expected, extract.GetProperty("rowsWritten").GetInt64());
        var file = extract.GetProperty("file").GetString()!;
        var csv = await grantee.GetStringAsync(file);
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,parcel_id,role,full_name", lines[0], StringComparison.Ordinal);
        Assert.Equal(expected, lines.Length - 1);

        // Not read through the API, not downloadable by others, nor through /extractions.
        await Problems.AssertProblemAsync(await grantee.GetAsync(Items(grantId)), HttpStatusCode.NotFound);
        using var outsider = hub.As(hub.ThirdUnit);
        await Problems.AssertProblemAsync(await outsider.GetAsync(file), HttpStatusCode.NotFound);
        var id = extract.GetProperty("id").GetString();
        await Problems.AssertProblemAsync(await hub.CreateClient().GetAsync($"/api/v1/extractions/{id}/file"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await grantee.GetAsync($"/api/v1/extractions/{id}"), HttpStatusCode.NotFound);

        var audit = await Ogc.GetJsonAsync(hub.CreateClient(), $"/api/v1/audit?target=grant:{grantId}");
        var read = audit.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "grant.read");
        Assert.Equal("extract", read.GetProperty("details").GetProperty("via").GetString());
        Assert.Equal(expected, read.GetProperty("details").GetProperty("records").GetInt64());

        // Revoked, the file no longer leaves.
        using var reviewer = hub.As(hub.Reviewer);
        await reviewer.PostAsync($"/api/v1/grants/{grantId}/revocation", new StringContent("""{"reasons": "x"}""", System.Text.Encoding.UTF8, "application/json"));
        await Problems.AssertProblemAsync(await grantee.GetAsync(file), HttpStatusCode.Forbidden);
    }
}

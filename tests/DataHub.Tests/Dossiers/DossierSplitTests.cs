using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Dossiers;

/// <summary>A split (1.012784): the approval's surveyed geometries become two parcels, the old one retired, all by the dossier.</summary>
public sealed class DossierSplitTests(DossiersHubFixture hub) : IClassFixture<DossiersHubFixture>
{
    private static JsonObject SplitDossier(string number, int parcelNo = 2, string serial = "DA 100002") => new()
    {
        ["dossierNumber"] = number,
        ["procedureCode"] = "1.012784",
        ["receivedAt"] = "2026-03-02T08:30:00+07:00",
        ["channel"] = "online",
        ["communeCode"] = "26500",
        ["applicant"] = new JsonObject { ["fullName"] = "Phạm Thị Chủ", ["idKind"] = "CCCD", ["idNumber"] = "079000000002" },
        ["parcels"] = new JsonArray(new JsonObject { ["communeCode"] = "26500", ["mapSheet"] = 10, ["parcelNo"] = parcelNo }),
        ["certificates"] = new JsonArray(serial),
        ["form"] = new JsonObject
        {
            ["kind"] = "split",
            ["parcel"] = new JsonObject { ["communeCode"] = "26500", ["mapSheet"] = 10, ["parcelNo"] = parcelNo },
            ["certificateSerial"] = serial,
            ["proposedParcels"] = new JsonArray(new JsonObject { ["areaM2"] = 500, ["purposeCode"] = "CLN" }, new JsonObject { ["areaM2"] = 500, ["purposeCode"] = "CLN" }),
        },
    };

    private static object Half(int parcelNo, double x0, double area = 500) => new
    {
        mapSheet = 10, parcelNo, areaM2 = area,
        geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { x0, 1250000 }, [x0 + 20, 1250000], [x0 + 20, 1250025], [x0, 1250025], new[] { x0, 1250000 } } } },
    };

    /// <summary>A split dossier taken in, accepted and paid for: waiting for the head's approval.</summary>
    private async Task<Guid> PaidAsync(JsonObject dossier)
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        using var tax = hub.As("tax");
        hub.Time.At("2026-03-02T09:00:00");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", dossier))).GetProperty("id").GetGuid();
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax"));
        await DossiersHubFixture.JsonAsync(await tax.PostAsJsonAsync($"/api/v1/dossiers/{id}/tax-notices", new { kind = "payment", reference = $"BL-{dossier["dossierNumber"]}", amountVnd = 0 }));
        return id;
    }

    [Fact]
    public async Task approving_a_split_retires_the_parcel_and_creates_two_from_the_result_geometries_with_history_linked_to_the_dossier()
    {
        var id = await PaidAsync(SplitDossier("BN-SPLIT-1"));
        using var head = hub.As("head");

        // Geometry outside the parcel, areas that do not add up, a key already taken: refused by field, nothing applied.
        var wrong = new { parcels = new[] { Half(3, 500100), Half(1, 500130, 600) } };
        var problem = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(head, id, "approve", wrong), HttpStatusCode.UnprocessableEntity);
        var pointers = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("pointer").GetString()).ToList();
        Assert.Contains("/data/parcels/1/geometry", pointers);
        Assert.Contains("/data/parcels", pointers);
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from land.parcels where id = $1", hub.SplitParcel));

        var dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(head, id, "approve", new { parcels = new[] { Half(3, 500100), Half(4, 500120) } }));
        Assert.Equal("result-ready", dossier.GetProperty("state").GetString());
        var result = dossier.GetProperty("result");
        Assert.Equal("split", result.GetProperty("kind").GetString());
        Assert.Equal(hub.SplitParcel, result.GetProperty("retired")[0].GetInt64());

        var writer = $"dossier:{id}";
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.parcels where id = $1", hub.SplitParcel));
        Assert.Equal(writer, await hub.ScalarAsync<string>("select ended_by from history.land_parcels where id = $1 and change = 'delete'", hub.SplitParcel));
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from history.land_certificates where serial = 'DA 100002' and ended_by = $1", writer));
        Assert.Equal(2L, await hub.ScalarAsync<long>("""
            select count(*) from land.parcels where commune_code = '26500' and map_sheet = 10 and parcel_no in (3, 4)
              and written_by = $1 and old_parcel_no = 2 and abs(st_area(geom) - 500) < 0.01
            """, writer));
        Assert.Equal(1000m, await hub.ScalarAsync<decimal>("""
            select sum(u.area_m2) from land.land_uses u join land.parcels p on p.id = u.parcel_id
            where p.parcel_no in (3, 4) and p.map_sheet = 10 and u.purpose_code = 'CLN' and u.written_by = $1
            """, writer));
        Assert.Equal(2L, await hub.ScalarAsync<long>("""
            select count(*) from land.parcel_users pu join land.parcels p on p.id = pu.parcel_id join personal.land_users u on u.id = pu.land_user_id
            where p.parcel_no in (3, 4) and p.map_sheet = 10 and u.full_name = 'Phạm Thị Chủ'
            """));
        // The one-stop shop got the result to hand back.
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.messages where dossier_id = $1 and kind = 'result' and payload->'result'->>'kind' = 'split'", id));
    }

    [Fact]
    public async Task new_parcels_with_values_of_the_wrong_type_or_geometries_postgis_cannot_use_are_refused_at_each_field_and_nothing_is_applied()
    {
        // Parcel 10/1 (1000 m²): the other test of this class splits 10/2.
        var id = await PaidAsync(SplitDossier("BN-SPLIT-BAD", 1, "DA 100001"));
        using var head = hub.As("head");

        async Task<Dictionary<string, string>> RefusedAsync(object data)
        {
            var problem = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(head, id, "approve", data), HttpStatusCode.UnprocessableEntity);
            return problem.GetProperty("problems").EnumerateArray().ToDictionary(p => p.GetProperty("pointer").GetString()!, p => p.GetProperty("message").GetString()!);
        }
        var square = new { type = "Polygon", coordinates = new[] { new[] { new[] { 500000.0, 1250000 }, [500020, 1250000], [500020, 1250025], [500000, 1250025], [500000, 1250000] } } };
        var wrongTypes = await RefusedAsync(new { parcels = new object[]
        {
            new { mapSheet = "10", parcelNo = 5, areaM2 = 500, geometry = square },
            new { mapSheet = 10, parcelNo = (int?)null, areaM2 = true, geometry = square },
        } });
        Assert.Equal(["/data/parcels/0/mapSheet", "/data/parcels/1/areaM2", "/data/parcels/1/parcelNo"], wrongTypes.Keys.Order());

        // The first geometry PostGIS cannot read does not stop the others from being checked.
        var cube = new { type = "Polygon", coordinates = new[] { new[] { new[] { 500020.0, 1250000, 0 }, [500040, 1250000, 0], [500040, 1250025, 0], [500020, 1250025, 0], [500020, 1250000, 0] } } };
        var unusable = await RefusedAsync(new { parcels = new object[]
        {
            new { mapSheet = 10, parcelNo = 5, areaM2 = 500, geometry = new { } },
            new { mapSheet = 10, parcelNo = 6, areaM2 = 500, geometry = cube },
        } });
        Assert.StartsWith("Not a GeoJSON geometry PostGIS can read", unusable["/data/parcels/0/geometry"], StringComparison.Ordinal);
        Assert.Equal("The geometry has coordinates of more than two dimensions (x and y only: the parcels are 2D).", unusable["/data/parcels/1/geometry"]);
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from land.parcels where id = $1", hub.TransferParcel));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 10 and parcel_no in (5, 6)"));
    }
}

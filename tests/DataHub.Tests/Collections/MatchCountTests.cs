using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

/// <summary>First pages' counts are remembered per data version: never stale after a write.</summary>
public sealed class MatchCountTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    [Fact]
    public async Task number_matched_follows_every_write_even_when_remembered()
    {
        var client = hub.CreateClient();
        const string url = "/api/v1/collections/parcels/items?limit=1&commune_code=25100";
        var before = (await Ogc.GetJsonAsync(client, url)).GetProperty("numberMatched").GetInt64();
        Assert.Equal(before, (await Ogc.GetJsonAsync(client, url)).GetProperty("numberMatched").GetInt64());

        await hub.ExecuteAsWriterAsync("""
            insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, registered_on, geom)
            values ('25100', 77, 1, 100, date '2020-01-02', ST_Multi(ST_MakeEnvelope(549000, 1259000, 549010, 1259010, 9212)))
            """);
        Assert.Equal(before + 1, (await Ogc.GetJsonAsync(client, url)).GetProperty("numberMatched").GetInt64());

        await hub.ExecuteAsWriterAsync("delete from land.parcels where commune_code = '25100' and map_sheet = 77");
        Assert.Equal(before, (await Ogc.GetJsonAsync(client, url)).GetProperty("numberMatched").GetInt64());
    }
}

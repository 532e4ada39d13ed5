using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Database;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace DataHub.Tests.Collections;

/// <summary>The read path narrowed by a scope, as special-request grants will narrow it.</summary>
public sealed class ReadScopeTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private async Task<Dataset> ParcelsAsync() =>
        (await new Catalogue(hub.DataSource, TimeProvider.System).FindAsync("parcels", CancellationToken.None))!;

    private async Task<List<string>> FeaturesAsync(Dataset parcels, ReadScope scope, string query = "")
    {
        var (request, errors) = ItemsRequest.Parse(new QueryCollection(QueryHelpers(query)), parcels, scope.Fields);
        Assert.Empty(errors);
        var sql = new SqlBuilder();
        var where = ItemsSql.Where(parcels, scope, request!, sql, Filters.Translate);
        await using var command = sql.CreateCommand(hub.DataSource, ItemsSql.Page(parcels, scope.Fields, request! with { Limit = 10_000 }, where, sql));
        var features = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            features.Add(reader.GetString(0));
        }
        return features;
    }

    private static Dictionary<string, StringValues> QueryHelpers(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);

    [Fact]
    public async Task a_row_filter_and_a_field_list_narrow_every_page_of_the_query()
    {
        var parcels = await ParcelsAsync();
        var scope = new ReadScope([.. parcels.Fields.Where(f => f.Name is "map_sheet" or "parcel_no" or "geometry")], "commune_code = '25100'");

        var features = await FeaturesAsync(parcels, scope);

        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from land.parcels where commune_code = '25100'"), features.Count);
        Assert.All(features, f =>
        {
            var properties = System.Text.Json.JsonDocument.Parse(f).RootElement.GetProperty("properties");
            Assert.Equal(["map_sheet", "parcel_no"], properties.EnumerateObject().Select(p => p.Name).ToArray());
        });
    }

    [Fact]
    public async Task a_caller_filter_cannot_widen_the_scope()
    {
        var parcels = await ParcelsAsync();
        var scope = new ReadScope(ReadScope.DefaultSharing(parcels).Fields, "commune_code = '25100'");
        var features = await FeaturesAsync(parcels, scope, "?filter=" + Uri.EscapeDataString("commune_code = '25103' OR map_sheet >= 1"));
        Assert.NotEmpty(features);
        Assert.All(features, f => Assert.Contains("\"commune_code\" : \"25100\"", f));
    }
}

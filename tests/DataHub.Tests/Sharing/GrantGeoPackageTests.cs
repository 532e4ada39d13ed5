using System.Text.Json;
using DataHub.Tests.Collections;
using Microsoft.Data.Sqlite;
using static DataHub.Tests.Sharing.SharingHubFixture;

namespace DataHub.Tests.Sharing;

/// <summary>A grant's one-off extract as a GeoPackage: the grant's scope, whatever the format.</summary>
public sealed class GrantGeoPackageTests(SharingHubFixture hub) : IClassFixture<SharingHubFixture>
{
    [Fact]
    public async Task a_grants_geopackage_extract_holds_exactly_the_granted_fields_and_rows()
    {
        var grantId = await hub.GrantAsync(["parcel_id", "role", "full_name"], "role = 'owner'", Today, Today.AddDays(5), delivery: "extract", format: "gpkg");
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
        var response = await grantee.GetAsync(extract.GetProperty("file").GetString());
        Assert.Equal("application/geopackage+sqlite3", response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(Path.GetTempPath(), $"datahub-{Guid.NewGuid():N}.gpkg");
        try
        {
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            using var gpkg = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            gpkg.Open();
            using var columns = gpkg.CreateCommand();
            columns.CommandText = "select group_concat(name, ',') from pragma_table_info('parcel_users')";
            Assert.Equal("fid,id,parcel_id,role,full_name", columns.ExecuteScalar());
            using var rows = gpkg.CreateCommand();
            rows.CommandText = "select count(*), count(*) filter (where role <> 'owner'), count(full_name) from parcel_users";
            using var read = rows.ExecuteReader();
            Assert.True(read.Read());
            var expected = await hub.CountInCommuneAsync("pu.role = 'owner'");
            Assert.Equal(expected, read.GetInt64(0));
            Assert.Equal(0, read.GetInt64(1));
            Assert.Equal(await hub.CountInCommuneAsync("pu.role = 'owner' and pu.full_name is not null"), read.GetInt64(2));
            using var contents = new SqliteCommand("select data_type from gpkg_contents", gpkg);
            Assert.Equal("attributes", contents.ExecuteScalar());
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace DataHub.Tests.Extraction;

/// <summary>
/// Extraction to GeoPackage: the file read back by SQLite and NTS's GeoPackage reader against an
/// independent query of the seeded data, and by GDAL (an independent reader of the format).
/// </summary>
public sealed class GeoPackageExtractionTests(ExtractionHubFixture hub) : IClassFixture<ExtractionHubFixture>, IDisposable
{
    private const string Vn2000 = "http://www.opengis.net/def/crs/EPSG/0/9212";
    private static readonly string[] ParcelFields = ["commune_code", "area_m2", "registered_on", "purpose_codes", "geometry"];
    private static readonly string[] SheetFields = ["commune_code", "parcel_no", "geometry"];
    private readonly HttpClient client = hub.CreateClient();
    private readonly List<string> files = [];

    public void Dispose()
    {
        client.Dispose();
        files.ForEach(File.Delete);
    }

    private async Task<string> ExtractAsync(object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/extractions", request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = JsonDocument.Parse(await client.GetStringAsync(response.Headers.Location)).RootElement;
        for (var i = 0; i < 100 && job.GetProperty("status").GetString() is "queued" or "running"; i++)
        {
            await Task.Delay(100);
            job = JsonDocument.Parse(await client.GetStringAsync(response.Headers.Location)).RootElement;
        }
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var file = await client.GetAsync($"/api/v1/extractions/{job.GetProperty("id").GetString()}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/geopackage+sqlite3", file.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".gpkg", file.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"datahub-{Guid.NewGuid():N}.gpkg");
        files.Add(path);
        await File.WriteAllBytesAsync(path, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal(new FileInfo(path).Length, job.GetProperty("fileBytes").GetInt64());
        return path;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> OgrInfoAsync(string path)
    {
        var start = new ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-ro", "-al", "-so", path })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ogrinfo did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        // GDAL warns on stderr about anything non-conforming it meets; a valid file gives none.
        Assert.True(process.ExitCode == 0 && (await errors).Length == 0, $"ogrinfo failed: {await errors}");
        return await output;
    }

    [Fact]
    public async Task a_geopackage_extraction_reads_back_in_sqlite_row_for_row_like_the_database()
    {
        var path = await ExtractAsync(new
        {
            dataset = "parcels", fields = ParcelFields,
            filter = "main_purpose_code = 'CLN'", format = "gpkg",
        });

        using var gpkg = Open(path);
        Assert.Equal(0x47504B47, Scalar<int>(gpkg, "pragma application_id"));
        Assert.Equal(10300, Scalar<int>(gpkg, "pragma user_version"));
        Assert.Equal("features|4326", Scalar<string>(gpkg, "select data_type || '|' || srs_id from gpkg_contents where table_name = 'parcels'"));
        Assert.Equal("geom|MULTIPOLYGON|4326", Scalar<string>(gpkg, "select column_name || '|' || geometry_type_name || '|' || srs_id from gpkg_geometry_columns"));

        // The same rows, values and geometries as a query of the database written independently of the hub's.
        var expected = new List<(long Id, string Commune, double Area, string Registered, string Purposes, byte[] Wkb)>();
        await using (var command = hub.DataSource.CreateCommand("""
            select id, commune_code, area_m2::float8, registered_on::text, array_to_string(purpose_codes, ';'), ST_AsBinary(ST_Transform(geom, 4326))
            from sharing.parcels where main_purpose_code = 'CLN' order by id
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add((reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetString(3), reader.GetString(4), reader.GetFieldValue<byte[]>(5)));
            }
        }
        Assert.True(expected.Count > 10);
        using var rows = gpkg.CreateCommand();
        rows.CommandText = "select id, commune_code, area_m2, registered_on, purpose_codes, geom from parcels order by fid";
        using var read = rows.ExecuteReader();
        var blobs = new GeoPackageGeoReader { HandleSRID = true }; // the srs_id of each blob's header
        var wkb = new WKBReader();
        var n = 0;
        while (read.Read())
        {
            var row = expected[n++];
            Assert.Equal(row.Id, read.GetInt64(0));
            Assert.Equal(row.Commune, read.GetString(1));
            Assert.Equal(row.Area, read.GetDouble(2));
            Assert.Equal(row.Registered, read.GetString(3));
            Assert.Equal(row.Purposes, read.GetString(4));
            var geometry = blobs.Read((byte[])read.GetValue(5));
            Assert.Equal(4326, geometry.SRID);
            Assert.True(geometry.EqualsExact(wkb.Read(row.Wkb)), $"parcel {row.Id}: {geometry}");
        }
        Assert.Equal(expected.Count, n);
    }

    [Fact]
    public async Task gdal_reads_a_geopackage_extraction_in_vn2000_as_a_layer_with_its_features_and_crs()
    {
        var commune = await hub.ScalarAsync<string>("select min(new_code) from ref.admin_unit_successions where new_code like '265%'");
        var path = await ExtractAsync(new { dataset = "parcels", fields = SheetFields, area = new { unit = commune }, format = "gpkg", crs = Vn2000 });
        var expected = await hub.ScalarAsync<long>("""
            select count(*) from sharing.parcels p
            where ST_Intersects(p.geom, (select boundary from ref.admin_units where code = $1 order by valid_from desc limit 1))
            """, commune);
        Assert.True(expected > 0);

        var info = await OgrInfoAsync(path);
        Assert.Contains("Layer name: parcels", info);
        Assert.Contains("Geometry: Multi Polygon", info);
        Assert.Contains($"Feature Count: {expected}", info);
        Assert.Contains("PROJCRS[\"VN-2000 / TM-3 106-15\"", info);
        Assert.Contains("ID[\"EPSG\",9212]", info);
        Assert.Contains("commune_code: String", info);
        Assert.Contains("parcel_no: Integer64", info);

        // Stored coordinates, not re-projected: the first parcel's geometry is the database's own.
        using var gpkg = Open(path);
        using var first = gpkg.CreateCommand();
        first.CommandText = "select id, geom from parcels order by fid limit 1";
        using var read = first.ExecuteReader();
        Assert.True(read.Read());
        var stored = await hub.ScalarAsync<byte[]>("select ST_AsBinary(geom) from sharing.parcels where id = $1", read.GetInt64(0));
        var geometry = new GeoPackageGeoReader { HandleSRID = true }.Read((byte[])read.GetValue(1));
        Assert.Equal(9212, geometry.SRID);
        Assert.True(geometry.EqualsExact(new WKBReader().Read(stored)));
    }

    [Fact]
    public async Task a_dataset_without_geometry_becomes_an_attribute_table_gdal_reads()
    {
        var path = await ExtractAsync(new { dataset = "land-statistics", filter = "year = 2024", format = "gpkg" });
        var expected = await hub.ScalarAsync<long>("select count(*) from land.statistics where year = 2024");
        var info = await OgrInfoAsync(path);
        Assert.Contains("Layer name: land_statistics", info);
        Assert.Contains("Geometry: None", info);
        Assert.Contains($"Feature Count: {expected}", info);
    }

    [Theory]
    [InlineData("""{"dataset": "parcels", "format": "shp"}""", "format", "Formats: geojson, csv, gpkg.")]
    [InlineData("""{"dataset": "parcels", "format": "gpkg", "crs": "EPSG:32648"}""", "crs", "Unknown CRS 'EPSG:32648'")]
    [InlineData("""{"dataset": "parcels", "format": "geojson", "crs": "http://www.opengis.net/def/crs/EPSG/0/9212"}""", "crs", "only to gpkg")]
    // An area that is not one is refused, not ignored (which extracted the whole dataset), and a
    // geometry is read and checked when the job is asked for, not when it runs.
    [InlineData("""{"dataset": "parcels", "format": "csv", "area": "x"}""", "area", "area is {\"bbox\"")]
    [InlineData("""{"dataset": "parcels", "format": "csv", "area": {"bbox": [106, 11, 1e308, 12]}}""", "area", "longitudes in [-180, 180]")]
    [InlineData("""{"dataset": "parcels", "format": "csv", "area": {"bbox": [106, 12, 107, 11]}}""", "area", "south <= north")]
    [InlineData("""{"dataset": "parcels", "format": "csv", "area": {"geometry": {}}}""", "area", "area.geometry is not a GeoJSON geometry")]
    [InlineData("""{"dataset": "parcels", "format": "csv", "area": {"geometry": {"type": "Polygon", "coordinates": [1]}}}""", "area", "are not nested as RFC 7946 gives them")]
    [InlineData("""{"dataset": "parcels", "format": "csv", "area": {"geometry": {"type": "Polygon", "coordinates": [[[106, 11], [107, 12], [107, 11], [106, 12], [106, 11]]]}}}""", "area", "area.geometry is not valid: Self-intersection")]
    public async Task a_bad_format_or_crs_is_refused_naming_what_may_be_asked(string body, string field, string detail)
    {
        var response = await client.PostAsync("/api/v1/extractions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(detail, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }
}

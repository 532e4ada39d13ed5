using System.Diagnostics;
using System.Globalization;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

/// <summary>GDAL (Debian's gdal-bin, installed by scripts/test) reads the OGC API with no custom code.</summary>
public sealed class GdalClientTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        // GDAL sends this header with every request (GDAL >= 3.6): how a GIS client passes its token.
        start.Environment["GDAL_HTTP_HEADERS"] = $"Authorization: Bearer {TestPrincipals.OperatorToken}";
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {await errors}");
        return await output;
    }

    private string Service => $"OAPIF:{hub.CreateClient().BaseAddress}api/v1";

    [Fact]
    public async Task ogrinfo_lists_the_parcels_layer_with_the_right_feature_count()
    {
        var info = await RunAsync("ogrinfo", "-so", "-al", Service, "parcels");
        Assert.Contains("Layer name: parcels", info);
        Assert.Contains($"Feature Count: {SeededHubFixture.Parcels}", info);
        Assert.Contains("Multi Polygon", info);
    }

    [Fact]
    public async Task ogr2ogr_copies_a_bbox_of_parcels_into_a_geopackage()
    {
        var box = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
            from (select ST_Transform(ST_MakeEnvelope(545000, 1255000, 545150, 1255030, 9212), 4326) b) x
            """);
        var expected = await hub.ScalarAsync<long>(
            "select count(*) from land.parcels where ST_Intersects(geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope($1, $2, $3, $4, 4326), 0.001), 9212))",
            box[0], box[1], box[2], box[3]);
        Assert.True(expected > 0);
        var file = Path.Combine(Path.GetTempPath(), $"datahub-{Guid.NewGuid():N}.gpkg");
        try
        {
            string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            await RunAsync("ogr2ogr", "-f", "GPKG", file, Service, "parcels", "-spat", F(box[0]), F(box[1]), F(box[2]), F(box[3]), "-oo", "PAGE_SIZE=1000");
            var info = await RunAsync("ogrinfo", "-so", file, "parcels");
            Assert.Contains($"Feature Count: {expected}", info);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace DataHub.Tests.Land;

/// <summary>
/// PROJ's command-line transformer, the reference the database is checked against. It knows
/// EPSG:9212 and the VN-2000 -> WGS 84 operation from its own EPSG database, independently of
/// the proj string our migration registers in spatial_ref_sys.
/// </summary>
public static class Cs2cs
{
    /// <summary>
    /// Transforms coordinate pairs in the CRSs' own axis order (EPSG:9212: easting, northing;
    /// EPSG:4326: latitude, longitude) and returns the pairs in the target's axis order.
    /// </summary>
    public static async Task<IReadOnlyList<(double First, double Second)>> TransformAsync(
        string sourceCrs, string targetCrs, IReadOnlyList<(double First, double Second)> points)
    {
        var start = new ProcessStartInfo("cs2cs")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-f", "%.10f", sourceCrs, targetCrs })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("cs2cs did not start");
        }
        catch (Win32Exception e)
        {
            // Missing PROJ must not turn into a silent skip: without it nothing checks the CRS.
            Assert.Fail($"cs2cs (PROJ, Debian package proj-bin) is not on PATH, so the coordinate " +
                $"transformations cannot be checked against PROJ. Install it: apt-get install proj-bin. ({e.Message})");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            foreach (var (first, second) in points)
            {
                await process.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{first:R} {second:R}"));
            }
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"cs2cs {sourceCrs} {targetCrs} failed ({process.ExitCode}): {await errors}");

            var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length == points.Count, $"cs2cs gave {lines.Length} lines for {points.Count} points: {await output} {await errors}");
            return lines.Select(line =>
            {
                var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                // cs2cs prints "*" when it cannot transform a point.
                Assert.True(parts.Length >= 2 && parts[0] != "*", $"cs2cs could not transform a point: '{line}'");
                return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
            }).ToList();
        }
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace DataHub.Api.Submissions;

public sealed partial class SubmissionService
{
    /// <summary>
    /// Runs the short way's reading, structure check, record checks and row encoding over a batch
    /// of parcels made up here, written nowhere, so that the first large submission after a start
    /// finds that code compiled and optimised: it used to cost the hub 1.5-2 CPU-seconds more than
    /// the next one, most of it compiling (docs/performance.md, ingest). Returns the records that
    /// came through ready to copy (all of them, unless the exchange structure or the checks have
    /// changed and the batch made up here no longer passes: a test holds that).
    /// </summary>
    public async Task<int> WarmUpAsync(int records, CancellationToken ct)
    {
        if (records <= 0)
        {
            return 0;
        }
        var clock = Stopwatch.StartNew();
        var direct = ParcelDirectWrite.ForWarmUp(WarmUpCommune, WarmUpPurpose, WarmUpOrigin);
        var problems = new ProblemList();
        using var body = new MemoryStream(WarmUpBatch(records));
        var ready = 0;
        await foreach (var record in RecordsAsync(new FeatureReader(body, ndjson: false), "parcels", RecordBatches.Structures("parcels")[^1], null,
            r => direct.Prepare(r, problems), problems, null, new ReadCount(), ct))
        {
            ((ParcelDirectWrite.Encoded)record.Row!).SetParcelId(ready++);
        }
        LogWarmedUp(logger, ready, records, clock.Elapsed.TotalSeconds);
        return ready;
    }

    private const string WarmUpCommune = "00000";
    private const string WarmUpPurpose = "ONT";
    private const string WarmUpOrigin = "DG-KTT";

    /// <summary>
    /// A FeatureCollection in VN-2000 of <paramref name="count"/> parcels shaped as the land
    /// database's are (a few corners, some on a straight edge), each with one land use.
    /// </summary>
    private static byte[] WarmUpBatch(int count)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteStartObject("crs");
            json.WriteString("type", "name");
            json.WriteStartObject("properties");
            json.WriteString("name", "urn:ogc:def:crs:EPSG::9212");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("features");
            for (var n = 0; n < count; n++)
            {
                var (x, y) = (560000 + 40 * (n % 500), 1280000 + 50 * (n / 500));
                var (w, h) = (20 + n % 7 * 1.25, 25 + n % 5 * 1.5);
                double[][] ring = [[x, y], [x + w / 2, y], [x + w, y], [x + w + 0.75, y + h], [x + w / 3, y + h + 1.5], [x, y + h], [x, y]];
                var area = Math.Round(Math.Abs(Enumerable.Range(0, ring.Length - 1).Sum(i => ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1])) / 2, 1);
                json.WriteStartObject();
                json.WriteString("type", "Feature");
                json.WriteNumber("id", n + 1);
                json.WriteStartObject("geometry");
                json.WriteString("type", "MultiPolygon");
                json.WriteStartArray("coordinates");
                json.WriteStartArray();
                json.WriteStartArray();
                foreach (var corner in ring)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(corner[0]);
                    json.WriteNumberValue(corner[1]);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndArray();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartObject("properties");
                json.WriteString("commune_code", WarmUpCommune);
                json.WriteNumber("map_sheet", 1 + n / 1000);
                json.WriteNumber("parcel_no", 1 + n % 1000);
                json.WriteNumber("area_m2", area);
                json.WriteString("registered_on", "2004-03-30");
                json.WriteStartArray("land_uses");
                json.WriteStartObject();
                json.WriteString("purpose_code", WarmUpPurpose);
                json.WriteNumber("area_m2", area);
                json.WriteBoolean("long_term", true);
                json.WriteString("origin_code", WarmUpOrigin);
                json.WriteBoolean("is_main", true);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submissions warmed up: {Ready} of {Records} made-up parcels read, checked and encoded the short way (nothing written) in {Seconds:F1} s")]
    private static partial void LogWarmedUp(ILogger logger, int ready, int records, double seconds);
}

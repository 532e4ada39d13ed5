namespace DataHub.Api.Extraction;

/// <summary>A file format an extract can be written in: its name in requests, file extension and media type.</summary>
public sealed record ExtractionFormat(string Name, string Extension, string MediaType);

/// <summary>
/// The extract formats, in one place for the jobs, their downloads (own and through a grant) and
/// the special requests that ask for a one-off extract.
/// </summary>
public static class ExtractionFormats
{
    public const string GeoJsonType = "application/geo+json";
    public const string CsvType = "text/csv";

    // The media type registered with IANA for GeoPackage (OGC 12-128r18, annex on media types).
    public const string GeoPackageType = "application/geopackage+sqlite3";

    public static readonly ExtractionFormat GeoJson = new("geojson", "geojson", GeoJsonType);
    public static readonly ExtractionFormat Csv = new("csv", "csv", $"{CsvType}; charset=utf-8");
    public static readonly ExtractionFormat GeoPackage = new("gpkg", "gpkg", GeoPackageType);

    public static readonly IReadOnlyList<ExtractionFormat> All = [GeoJson, Csv, GeoPackage];

    public static string Names => string.Join(", ", All.Select(f => f.Name));

    public static ExtractionFormat? Find(string? name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The format of a recorded job (the database only holds known names).</summary>
    public static ExtractionFormat Of(ExtractionJob job) => Find(job.Format) ?? GeoJson;
}

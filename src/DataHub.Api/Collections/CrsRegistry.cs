namespace DataHub.Api.Collections;

/// <summary>A coordinate reference system the API accepts (OGC API - Features Part 2).</summary>
public sealed record Crs(string Uri, int Srid, bool LatitudeFirst, int Decimals)
{
    public bool IsWgs84 => Srid == 4326;
}

public static class CrsRegistry
{
    public const string Crs84Uri = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    public static readonly Crs Crs84 = new(Crs84Uri, 4326, LatitudeFirst: false, Decimals: 7);

    // EPSG:4326 is latitude first by definition; the projected VN-2000 systems are easting first.
    public static readonly IReadOnlyList<Crs> Supported =
    [
        Crs84,
        new("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, LatitudeFirst: true, Decimals: 7),
        new("http://www.opengis.net/def/crs/EPSG/0/9212", 9212, LatitudeFirst: false, Decimals: 2),
        new("http://www.opengis.net/def/crs/EPSG/0/5899", 5899, LatitudeFirst: false, Decimals: 2),
        new("http://www.opengis.net/def/crs/EPSG/0/3405", 3405, LatitudeFirst: false, Decimals: 2),
    ];

    public static Crs? Find(string uri) =>
        Supported.FirstOrDefault(c => string.Equals(c.Uri, uri.Trim('<', '>', ' '), StringComparison.Ordinal))
        ?? (uri.Equals("EPSG:4326", StringComparison.OrdinalIgnoreCase) ? Supported[1] : null);

    public static string UriOf(int srid) => $"http://www.opengis.net/def/crs/EPSG/0/{srid}";
}

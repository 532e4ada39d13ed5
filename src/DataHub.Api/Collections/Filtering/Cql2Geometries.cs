using System.Globalization;
using DataHub.Api.Infrastructure.Database;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;
using NpgsqlTypes;

namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// Geometry literals as SQL: checked by NetTopologySuite, sent as parameters, and moved into
/// the storage SRID on the literal's side so the column's spatial index stays usable. In
/// EPSG:4326 (latitude first) the axes are swapped here, and WGS 84 coordinates are checked for
/// range: PostGIS would fail the whole request on one it cannot transform.
/// </summary>
internal sealed class Cql2Geometries(SqlBuilder sql, int storageSrid, int filterSrid, bool latitudeFirst)
{
    public string Literal(Cql2Literal literal)
    {
        Geometry geometry;
        try
        {
            geometry = new WKTReader().Read(literal.Text);
        }
        catch (Exception e) when (e is ParseException or ArgumentException or FormatException)
        {
            throw new Cql2Exception($"the geometry {literal.Shown} is not valid WKT ({e.Message}) at position {literal.Position}", literal.Position);
        }
        if (latitudeFirst)
        {
            geometry.Apply(new SwapAxes());
        }
        if (filterSrid == 4326 && geometry.Coordinates.FirstOrDefault(OutOfRange) is { } outside)
        {
            throw new Cql2Exception($"the geometry {literal.Shown} has a point outside longitude [-180, 180] and latitude [-90, 90], {Shown(outside)}{Order} at position {literal.Position}", literal.Position);
        }
        if (new IsValidOp(geometry).ValidationError is { } error)
        {
            throw new Cql2Exception($"the geometry {literal.Shown} is not valid: {error.Message} near {Coordinate(error.Coordinate)} at position {literal.Position}", literal.Position);
        }
        // NTS's own WKT goes to the server, so PostGIS reads exactly what was checked.
        var wkt = new WKTWriter(geometry.Coordinate is { } c && !double.IsNaN(c.Z) ? 3 : 2).Write(geometry);
        return InStorageSrid($"ST_GeomFromText({sql.Add(wkt, NpgsqlDbType.Text)}, {Srid(filterSrid)})");
    }

    public string Bbox(Cql2Bbox bbox)
    {
        if (bbox.Coordinates.Count != 4)
        {
            throw new Cql2Exception($"BBOX takes four numbers (minx, miny, maxx, maxy), not {bbox.Coordinates.Count} at position {bbox.Position}", bbox.Position);
        }
        var numbers = bbox.Coordinates.Select(Cql2Values.Double).ToArray();
        if (latitudeFirst)
        {
            numbers = [numbers[1], numbers[0], numbers[3], numbers[2]];
        }
        if (numbers[0] > numbers[2] || numbers[1] > numbers[3])
        {
            throw new Cql2Exception($"BBOX needs minx <= maxx and miny <= maxy at position {bbox.Position}", bbox.Position);
        }
        if (filterSrid == 4326 && (OutOfRange(new Coordinate(numbers[0], numbers[1])) || OutOfRange(new Coordinate(numbers[2], numbers[3]))))
        {
            throw new Cql2Exception($"BBOX has a corner outside longitude [-180, 180] and latitude [-90, 90]{Order} at position {bbox.Position}", bbox.Position);
        }
        var corners = string.Join(", ", numbers.Select(n => sql.Add(n, NpgsqlDbType.Double)));
        return InStorageSrid($"ST_MakeEnvelope({corners}, {Srid(filterSrid)})");
    }

    private string InStorageSrid(string geometry) =>
        filterSrid == storageSrid ? geometry : $"ST_Transform({geometry}, {Srid(storageSrid)})";

    // SRIDs come from the server's configuration, never from the filter text, and are integers.
    private static string Srid(int srid) => srid.ToString(CultureInfo.InvariantCulture);

    private static string Coordinate(Coordinate? c) =>
        c is null ? "?" : string.Create(CultureInfo.InvariantCulture, $"({c.X} {c.Y})");

    private static bool OutOfRange(Coordinate c) => c.X is < -180 or > 180 || c.Y is < -90 or > 90;

    /// <summary>A point as the caller wrote it: latitude first in EPSG:4326.</summary>
    private string Shown(Coordinate c) => latitudeFirst ? Coordinate(new Coordinate(c.Y, c.X)) : Coordinate(c);

    private string Order => latitudeFirst ? " (EPSG:4326 is written latitude first)" : filterSrid == 4326 ? " (CRS84 is written longitude first)" : "";

    /// <summary>Latitude-first coordinates to the longitude-first order PostGIS works in.</summary>
    private sealed class SwapAxes : ICoordinateSequenceFilter
    {
        public void Filter(CoordinateSequence seq, int i)
        {
            var x = seq.GetX(i);
            seq.SetX(i, seq.GetY(i));
            seq.SetY(i, x);
        }

        public bool Done => false;
        public bool GeometryChanged => true;
    }
}

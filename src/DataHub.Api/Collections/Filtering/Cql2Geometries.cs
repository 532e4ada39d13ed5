using System.Globalization;
using DataHub.Api.Infrastructure.Database;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;
using NpgsqlTypes;

namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// Geometry literals as SQL: checked by NetTopologySuite, sent as parameters, and moved into
/// the storage SRID on the literal's side so the column's spatial index stays usable.
/// </summary>
internal sealed class Cql2Geometries(SqlBuilder sql, int storageSrid, int filterSrid)
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
        if (numbers[0] > numbers[2] || numbers[1] > numbers[3])
        {
            throw new Cql2Exception($"BBOX needs minx <= maxx and miny <= maxy at position {bbox.Position}", bbox.Position);
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
}

using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace DataHub.Api.Submissions;

/// <summary>
/// A quick proof that a parcel's geometry is valid, for the shape nearly every parcel has: one
/// part, one ring of a few dozen corners at most, no holes. Such a polygon is valid exactly when
/// its ring is simple (no two edges meet but neighbours at their shared corner), which pairs of
/// robust orientation tests (NetTopologySuite's <see cref="Orientation"/>, exact in double-double)
/// show without building what <see cref="Geometry.IsValid"/> builds for any geometry: on a
/// 100,000-parcel batch IsValid took a fifth of the checking threads' time (docs/performance.md,
/// ingest). Only ever an answer of "valid": whenever it cannot prove that (a touch, a repeated
/// corner, a hole, several parts, many corners), the caller asks IsValid, so it can never be
/// looser than the IsValid it stands in for, nor than PostGIS's ST_IsValid the staged way uses.
/// </summary>
public static class SimplePolygons
{
    /// <summary>Corners above which the pairwise test (quadratic) is left to IsValid.</summary>
    public const int MaxCorners = 64;

    /// <summary>True only when <paramref name="geometry"/> is certainly valid; false says nothing.</summary>
    public static bool IsCertainlyValid(Geometry geometry) => geometry switch
    {
        Polygon polygon => IsSimpleShell(polygon),
        MultiPolygon { NumGeometries: 1 } multi => IsSimpleShell((Polygon)multi.GetGeometryN(0)),
        _ => false,
    };

    private static bool IsSimpleShell(Polygon polygon)
    {
        if (polygon.NumInteriorRings != 0 || polygon.IsEmpty)
        {
            return false;
        }
        var n = polygon.ExteriorRing.NumPoints - 1; // edges; the last corner repeats the first
        if (n < 3 || n > MaxCorners)
        {
            return false;
        }
        var c = polygon.ExteriorRing.Coordinates;
        if (!c[0].Equals2D(c[n]) || Array.Exists(c, x => !double.IsFinite(x.X) || !double.IsFinite(x.Y)))
        {
            return false;
        }
        for (var i = 0; i < n; i++)
        {
            // Neighbouring edges i and i + 1 share one corner: they may go on along one line (a
            // corner on a straight side, common in surveys) but not turn back onto each other.
            var (a, b, next) = (c[i], c[i + 1], c[(i + 2) % n]); // c[0] is c[n]
            if (a.Equals2D(b))
            {
                return false; // a repeated corner: valid or not, IsValid decides
            }
            if (Orientation.Index(a, b, next) == OrientationIndex.Collinear
                && (b.X - a.X) * (next.X - b.X) + (b.Y - a.Y) * (next.Y - b.Y) <= 0)
            {
                return false;
            }
            // Edges that are not neighbours must not meet at all. They can only meet when
            // neither lies wholly on one side of the other's line and their boxes overlap, so
            // when any of these fails they are certainly apart; otherwise IsValid decides.
            for (var j = i + 2; j < n; j++)
            {
                if (i == 0 && j == n - 1)
                {
                    continue; // the first and last edges are neighbours at the ring's start
                }
                var (p, q) = (c[j], c[j + 1]);
                if (Math.Max(a.X, b.X) < Math.Min(p.X, q.X) || Math.Max(p.X, q.X) < Math.Min(a.X, b.X)
                    || Math.Max(a.Y, b.Y) < Math.Min(p.Y, q.Y) || Math.Max(p.Y, q.Y) < Math.Min(a.Y, b.Y))
                {
                    continue;
                }
                if (Side(a, b, p) * Side(a, b, q) <= 0 && Side(p, q, a) * Side(p, q, b) <= 0)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static int Side(Coordinate a, Coordinate b, Coordinate p) => (int)Orientation.Index(a, b, p);
}

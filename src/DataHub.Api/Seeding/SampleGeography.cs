using NetTopologySuite.Geometries;

namespace DataHub.Api.Seeding;

/// <summary>
/// The synthetic province around Đồng Xoài, in VN-2000 / TM-3 106-15 metres: a 10 x 10 grid of
/// 5 km communes (before 1 July 2025), merged 2 x 2 into 25 communes from that day. Each old
/// commune holds 25 map sheets of 1 km, each sheet 25 x 25 cells of 40 m; a parcel is a cell
/// whose corners and edge points are jittered by a function of their position alone, so
/// neighbouring parcels share their boundary exactly: no overlaps, no gaps, 6-12 vertices.
/// </summary>
public sealed class SampleGeography
{
    public const int Srid = 9212;
    public const double OriginEasting = 545_000;     // south-west corner; Đồng Xoài lies near the middle
    public const double OriginNorthing = 1_255_000;
    public const int CommunesPerSide = 10;
    public const int CommuneCount = CommunesPerSide * CommunesPerSide;
    public const double CommuneSize = 5_000;
    public const double CellSize = 40;
    public const int CellsPerCommuneSide = (int)(CommuneSize / CellSize);    // 125
    public const int CellsPerSheetSide = 25;
    public const int SheetsPerCommuneSide = CellsPerCommuneSide / CellsPerSheetSide; // 5
    public const int CellsPerSheet = CellsPerSheetSide * CellsPerSheetSide;           // 625
    public const int ParcelsPerCommune = CellsPerCommuneSide * CellsPerCommuneSide;   // 15,625
    public const long Capacity = (long)ParcelsPerCommune * CommuneCount;              // 1,562,500

    private const double CornerJitter = 0.18 * CellSize;
    private const double EdgeOffset = 0.08 * CellSize;
    private static readonly string[] DistrictCodes = ["688", "689", "690", "691", "692", "693", "694", "695", "696", "697", "698"];

    private readonly long seed;
    public GeometryFactory Factory { get; } = new(new PrecisionModel(100), Srid); // centimetres

    public SampleGeography(long seed) => this.seed = seed;

    public sealed record Commune(int Index, string Code, string Name, string DistrictCode, int NewIndex, int Quadrant)
    {
        public int Column => Index % CommunesPerSide;
        public int Row => Index / CommunesPerSide;
    }

    public sealed record NewCommune(int Index, string Code, string Name);

    public static IReadOnlyList<Commune> Communes { get; } = Enumerable.Range(0, CommuneCount).Select(i =>
    {
        var column = i % CommunesPerSide;
        var row = i / CommunesPerSide;
        var district = DistrictCodes[i * DistrictCodes.Length / CommuneCount];
        var kind = district == "689" ? "Phường" : "Xã";
        var newIndex = row / 2 * (CommunesPerSide / 2) + column / 2;
        return new Commune(i, (25_100 + i * 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{kind} Mẫu {i + 1:00}", district, newIndex, row % 2 * 2 + column % 2);
    }).ToList();

    public static IReadOnlyList<NewCommune> NewCommunes { get; } = Enumerable.Range(0, CommuneCount / 4).Select(j =>
        new NewCommune(j, (26_500 + j * 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            j == 12 ? "Phường Đồng Xoài Mẫu" : $"Xã Mẫu Mới {j + 1:00}")).ToList();

    public MultiPolygon CommuneBoundary(Commune commune) => Rectangle(
        OriginEasting + commune.Column * CommuneSize, OriginNorthing + commune.Row * CommuneSize, CommuneSize, CommuneSize);

    public MultiPolygon NewCommuneBoundary(NewCommune commune)
    {
        var column = commune.Index % (CommunesPerSide / 2);
        var row = commune.Index / (CommunesPerSide / 2);
        return Rectangle(OriginEasting + column * 2 * CommuneSize, OriginNorthing + row * 2 * CommuneSize, 2 * CommuneSize, 2 * CommuneSize);
    }

    public MultiPolygon Rectangle(double x, double y, double width, double height) =>
        Factory.CreateMultiPolygon([Factory.CreatePolygon([
            new Coordinate(x, y), new Coordinate(x + width, y), new Coordinate(x + width, y + height),
            new Coordinate(x, y + height), new Coordinate(x, y)])]);

    /// <summary>Where parcel number i lies: commune, sheet (1-based), number in sheet (1-based), global cell.</summary>
    public static (Commune Commune, int Sheet, int ParcelNo, int CellX, int CellY, int LocalIndex) Locate(long i)
    {
        var commune = Communes[(int)(i % CommuneCount)];
        var local = (int)(i / CommuneCount);
        var sheet = local / CellsPerSheet;
        var inSheet = local % CellsPerSheet;
        var cx = sheet % SheetsPerCommuneSide * CellsPerSheetSide + inSheet % CellsPerSheetSide;
        var cy = sheet / SheetsPerCommuneSide * CellsPerSheetSide + inSheet / CellsPerSheetSide;
        return (commune, sheet + 1, inSheet + 1, commune.Column * CellsPerCommuneSide + cx, commune.Row * CellsPerCommuneSide + cy, local);
    }

    /// <summary>The parcel occupying global cell (gx, gy), counter-clockwise.</summary>
    public MultiPolygon Parcel(int gx, int gy)
    {
        var ring = new List<Coordinate>(13);
        var c00 = Corner(gx, gy);
        var c10 = Corner(gx + 1, gy);
        var c11 = Corner(gx + 1, gy + 1);
        var c01 = Corner(gx, gy + 1);
        var bottom = EdgePoints(gx, gy, horizontal: true, c00, c10);
        var right = EdgePoints(gx + 1, gy, horizontal: false, c10, c11);
        var top = EdgePoints(gx, gy + 1, horizontal: true, c01, c11);
        var left = EdgePoints(gx, gy, horizontal: false, c00, c01);
        ring.Add(c00);
        ring.AddRange(bottom);
        ring.Add(c10);
        ring.AddRange(right);
        ring.Add(c11);
        ring.AddRange(Enumerable.Reverse(top));
        ring.Add(c01);
        ring.AddRange(Enumerable.Reverse(left));
        ring.Add(c00);
        return Factory.CreateMultiPolygon([Factory.CreatePolygon([.. ring])]);
    }

    private Coordinate Corner(int gx, int gy)
    {
        // Corners on a commune boundary move only along it, so parcels stay inside their commune.
        var dx = gx % CellsPerCommuneSide == 0 ? 0 : SampleRandom.Unit(seed, gx, gy, 1) * CornerJitter;
        var dy = gy % CellsPerCommuneSide == 0 ? 0 : SampleRandom.Unit(seed, gx, gy, 2) * CornerJitter;
        return Round(OriginEasting + gx * CellSize + dx, OriginNorthing + gy * CellSize + dy);
    }

    private List<Coordinate> EdgePoints(int gx, int gy, bool horizontal, Coordinate from, Coordinate to)
    {
        var stream = horizontal ? 3 : 4;
        var random = new SampleRandom(seed, gx * 2_000_003L + gy, stream);
        // Horizontal edges always carry a point, so every parcel has 6 to 12 vertices.
        var count = horizontal
            ? random.Weighted<int>([(1, 0.6), (2, 0.4)])
            : random.Weighted<int>([(0, 0.5), (1, 0.35), (2, 0.15)]);
        var onBoundary = horizontal ? gy % CellsPerCommuneSide == 0 : gx % CellsPerCommuneSide == 0;
        var points = new List<Coordinate>(count);
        var (ux, uy) = (to.X - from.X, to.Y - from.Y);
        var length = Math.Sqrt(ux * ux + uy * uy);
        for (var k = 1; k <= count; k++)
        {
            var t = (double)k / (count + 1);
            var offset = onBoundary ? 0 : (random.NextDouble() * 2 - 1) * EdgeOffset;
            points.Add(Round(from.X + ux * t - uy / length * offset, from.Y + uy * t + ux / length * offset));
        }
        return points;
    }

    private static Coordinate Round(double x, double y) => new(Math.Round(x, 2), Math.Round(y, 2));
}

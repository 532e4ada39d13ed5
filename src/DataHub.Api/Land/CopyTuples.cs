using System.Buffers.Binary;
using System.Text;
using NetTopologySuite.Geometries;

namespace DataHub.Api.Land;

/// <summary>
/// Rows encoded ahead in PostgreSQL's binary COPY format (a field count, then each field as its
/// length and its bytes), for a raw binary COPY (<c>BeginRawBinaryCopyAsync</c>). The submissions'
/// short way encodes each record's rows on the checking threads, so that the one writer only
/// sends bytes: through <c>NpgsqlBinaryImporter</c>, which resolves and binds each value as a
/// parameter, writing 100,000 parcels and their land uses cost that writer 0.6 CPU-seconds of a
/// 3.7-second load (docs/performance.md, ingest). The encodings are the ones PostgreSQL's
/// receive functions read (int8send, numeric_send, date_send, PostGIS's EWKB), as Npgsql writes
/// them; <c>CopyTuplesTests</c> holds each against Npgsql's through the database.
/// </summary>
public sealed class CopyTuples
{
    /// <summary>What a binary COPY starts with: the signature, no flags, no header extension.</summary>
    public static ReadOnlyMemory<byte> Header { get; } = new byte[] { (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>What it ends with: a field count of -1.</summary>
    public static ReadOnlyMemory<byte> Trailer { get; } = new byte[] { 0xFF, 0xFF };

    /// <summary>Where a row's first field's value starts (after the field count and the field's length): ids are patched there.</summary>
    public const int FirstValue = 6;

    private static readonly int PostgresEpoch = new DateOnly(2000, 1, 1).DayNumber;

    private byte[] buffer = new byte[1024];

    public int Length { get; private set; }

    /// <summary>Starts again from nothing, keeping the buffer.</summary>
    public void Clear() => Length = 0;

    /// <summary>Forgets what was written after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => Length = length;

    /// <summary>The rows written so far, in a new array.</summary>
    public byte[] ToArray() => buffer.AsSpan(0, Length).ToArray();

    public void StartRow(short fields) => BinaryPrimitives.WriteInt16BigEndian(Take(2), fields);

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Take(4), -1);

    public void BigInt(long value) => BinaryPrimitives.WriteInt64BigEndian(Field(8), value);

    public void Int4(int value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value);

    public void Int4(int? value)
    {
        if (value is { } v) { Int4(v); } else { Null(); }
    }

    public void Bool(bool value) => Field(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>A date in days from 2000-01-01; the first and last a DateOnly can hold are -infinity and infinity, as Npgsql maps them.</summary>
    public void Date(DateOnly value) => BinaryPrimitives.WriteInt32BigEndian(Field(4),
        value == DateOnly.MinValue ? int.MinValue : value == DateOnly.MaxValue ? int.MaxValue : value.DayNumber - PostgresEpoch);

    public void Date(DateOnly? value)
    {
        if (value is { } v) { Date(v); } else { Null(); }
    }

    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }
        var lengthAt = Length;
        Take(4);
        var written = Encoding.UTF8.GetBytes(value, Take(Encoding.UTF8.GetMaxByteCount(value.Length)));
        Length = lengthAt + 4 + written;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(lengthAt), written);
    }

    /// <summary>
    /// A decimal as numeric_recv reads it: base-10,000 digits from the most significant, the
    /// weight of the first (in powers of 10,000), the sign, and the display scale (the decimal's).
    /// </summary>
    public void Numeric(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        // Aligned on a group of four decimal places: 96 bits times 1,000 still fit in 128.
        var pad = (4 - scale % 4) % 4;
        for (var i = 0; i < pad; i++)
        {
            mantissa *= 10;
        }
        var fractionGroups = (scale + pad) / 4;
        Span<short> groups = stackalloc short[10]; // 10^31 < 10,000^8: at most 8 groups; least significant first
        var count = 0;
        while (mantissa != 0)
        {
            groups[count++] = (short)(ulong)(mantissa % 10000);
            mantissa /= 10000;
        }
        var lowest = 0;
        while (lowest < count && groups[lowest] == 0)
        {
            lowest++; // trailing zero groups say nothing numeric_recv needs
        }
        var digits = count - lowest;
        var weight = digits == 0 ? 0 : count - 1 - fractionGroups;
        var field = Field(8 + 2 * digits);
        BinaryPrimitives.WriteInt16BigEndian(field, (short)digits);
        BinaryPrimitives.WriteInt16BigEndian(field[2..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(field[4..], negative && digits > 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(field[6..], (short)scale);
        for (var i = 0; i < digits; i++)
        {
            BinaryPrimitives.WriteInt16BigEndian(field[(8 + 2 * i)..], groups[count - 1 - i]);
        }
    }

    public void Numeric(decimal? value)
    {
        if (value is { } v) { Numeric(v); } else { Null(); }
    }

    /// <summary>
    /// A two-dimensional MultiPolygon as PostGIS's EWKB (little-endian, the SRID in the header).
    /// False, with nothing written, for a geometry with a third ordinate: the caller then leaves
    /// this way.
    /// </summary>
    public bool MultiPolygon(MultiPolygon geometry)
    {
        var size = 13;
        foreach (var part in geometry.Geometries)
        {
            var polygon = (Polygon)part;
            size += 9;
            if (polygon.IsEmpty)
            {
                continue;
            }
            for (var r = 0; r <= polygon.NumInteriorRings; r++)
            {
                var points = Ring(polygon, r).CoordinateSequence;
                if (points.Dimension != 2 && HasZ(points))
                {
                    return false;
                }
                size += 4 + 16 * points.Count;
            }
        }
        var field = Field(size);
        field[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(field[1..], 6 | 0x20000000);
        BinaryPrimitives.WriteInt32LittleEndian(field[5..], geometry.SRID);
        BinaryPrimitives.WriteInt32LittleEndian(field[9..], geometry.NumGeometries);
        var at = 13;
        foreach (var part in geometry.Geometries)
        {
            var polygon = (Polygon)part;
            field[at] = 1;
            BinaryPrimitives.WriteUInt32LittleEndian(field[(at + 1)..], 3);
            BinaryPrimitives.WriteInt32LittleEndian(field[(at + 5)..], polygon.IsEmpty ? 0 : 1 + polygon.NumInteriorRings);
            at += 9;
            if (polygon.IsEmpty)
            {
                continue;
            }
            for (var r = 0; r <= polygon.NumInteriorRings; r++)
            {
                var points = Ring(polygon, r).CoordinateSequence;
                BinaryPrimitives.WriteInt32LittleEndian(field[at..], points.Count);
                at += 4;
                for (var i = 0; i < points.Count; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(field[at..], points.GetX(i));
                    BinaryPrimitives.WriteDoubleLittleEndian(field[(at + 8)..], points.GetY(i));
                    at += 16;
                }
            }
        }
        return true;
    }

    private static LineString Ring(Polygon polygon, int r) => r == 0 ? polygon.Shell : polygon.GetInteriorRingN(r - 1);

    private static bool HasZ(CoordinateSequence points)
    {
        if (!points.HasZ)
        {
            return false;
        }
        for (var i = 0; i < points.Count; i++)
        {
            if (!double.IsNaN(points.GetZ(i)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A field of <paramref name="size"/> bytes: its length written, its bytes to fill.</summary>
    private Span<byte> Field(int size)
    {
        BinaryPrimitives.WriteInt32BigEndian(Take(4), size);
        return Take(size);
    }

    private Span<byte> Take(int size)
    {
        if (Length + size > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, Length + size));
        }
        var span = buffer.AsSpan(Length, size);
        Length += size;
        return span;
    }
}

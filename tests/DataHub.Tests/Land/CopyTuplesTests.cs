using DataHub.Api.Land;
using DataHub.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Tests.Land;

/// <summary>
/// Rows encoded ahead for a raw binary COPY (CopyTuples, the submissions' short way) against the
/// same values written by Npgsql's binary importer (the rest of the hub): PostgreSQL must store
/// exactly the same thing, down to the numeric's scale and the geometry's bytes.
/// </summary>
public sealed class CopyTuplesTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("copytuples");
        var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
        builder.UseNetTopologySuite();
        dataSource = builder.Build();
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    private const string Columns = "id, n, d, s, b, i, g";

    private static readonly WKTReader Wkt = new();

    private static MultiPolygon Shape(string wkt)
    {
        var geometry = (MultiPolygon)Wkt.Read(wkt);
        geometry.SRID = 9212;
        return geometry;
    }

    private static readonly decimal?[] Numbers =
    [
        0m, 0.00m, 1m, -1m, 12.5m, 12.50m, 0.0005m, -0.01m, 10000m, 9999.9999m, 100000000m, 123456789.1234m,
        0.0000000000000000000000000001m, 1234.56789m, 500m, 1.10m, decimal.MaxValue, decimal.MinValue, null,
    ];

    private static readonly string?[] Texts = [null, "", "79999", "Thửa đất số 12, ấp Phú Lạc, xã Đồng Tâm", "🏠 \t \\ \"quoted\""];

    private static readonly DateOnly?[] Dates = [new(2000, 1, 1), new(1999, 12, 31), new(2025, 7, 1), new(1, 1, 1), new(9999, 12, 31), null];

    private static readonly MultiPolygon[] Shapes =
    [
        Shape("MULTIPOLYGON (((545000 1255000, 545016.88 1255000, 545038.65 1255034.26, 545000 1255042.51, 545000 1255000)))"),
        Shape("MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 2)), ((20 20, 21 20, 21 21, 20 20)))"),
        Shape("MULTIPOLYGON (((590000.123456789 1300000.987654321, 590020.5 1300000, 590020 1300025.25, 590000.123456789 1300000.987654321)))"),
    ];

    private static IEnumerable<(long Id, decimal? N, DateOnly? D, string? S, bool B, int? I, MultiPolygon G)> Rows() =>
        Enumerable.Range(0, Numbers.Length * 2).Select(k => (
            (long)k - 3, Numbers[k % Numbers.Length], Dates[k % Dates.Length], Texts[k % Texts.Length], k % 2 == 0,
            k % 4 == 3 ? (int?)null : k * 1_000_003 - 7, Shapes[k % Shapes.Length]));

    [Fact]
    public async Task rows_encoded_ahead_are_stored_exactly_as_npgsqls_binary_importer_stores_them()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand("""
            create table by_importer (id bigint, n numeric, d date, s text, b boolean, i int, g geometry(MultiPolygon, 9212));
            create table encoded (like by_importer);
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var importer = await connection.BeginBinaryImportAsync($"copy by_importer ({Columns}) from stdin (format binary)"))
        {
            foreach (var r in Rows())
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(r.Id, NpgsqlDbType.Bigint);
                await (r.N is { } n ? importer.WriteAsync(n, NpgsqlDbType.Numeric) : importer.WriteNullAsync());
                await (r.D is { } d ? importer.WriteAsync(d, NpgsqlDbType.Date) : importer.WriteNullAsync());
                await (r.S is { } s ? importer.WriteAsync(s, NpgsqlDbType.Text) : importer.WriteNullAsync());
                await importer.WriteAsync(r.B, NpgsqlDbType.Boolean);
                await (r.I is { } i ? importer.WriteAsync(i, NpgsqlDbType.Integer) : importer.WriteNullAsync());
                await importer.WriteAsync(r.G, NpgsqlDbType.Geometry);
            }
            await importer.CompleteAsync();
        }
        var tuples = new CopyTuples();
        foreach (var r in Rows())
        {
            tuples.StartRow(7);
            tuples.BigInt(r.Id);
            tuples.Numeric(r.N);
            tuples.Date(r.D);
            tuples.Text(r.S);
            tuples.Bool(r.B);
            tuples.Int4(r.I);
            Assert.True(tuples.MultiPolygon(r.G));
        }
        await LandCopy.EncodedAsync(connection, "encoded", Columns, copy => copy.WriteAsync(tuples.ToArray()).AsTask(), CancellationToken.None);

        var rows = await database.ScalarAsync<long>("select count(*) from encoded");
        var differing = await database.ScalarAsync<string>("""
            select coalesce(string_agg(format('%s: %s / %s', a.id, row(a.n, a.d, a.s, a.b, a.i, a.g::text), row(b.n, b.d, b.s, b.b, b.i, b.g::text)), E'\n'), '')
            from by_importer a full join encoded b on a.id = b.id
            where row(a.n, a.d, a.s, a.b, a.i, a.g::text)::text is distinct from row(b.n, b.d, b.s, b.b, b.i, b.g::text)::text
            """);

        Assert.Equal(Rows().Count(), rows);
        Assert.Equal("", differing);
    }

    [Fact]
    public void a_geometry_with_a_third_ordinate_is_not_encoded_and_leaves_the_row_as_it_was()
    {
        var factory = new GeometryFactory(new PrecisionModel(), 9212);
        var ring = factory.CreateLinearRing([new CoordinateZ(0, 0, 5), new CoordinateZ(10, 0, 5), new CoordinateZ(10, 10, 6), new CoordinateZ(0, 0, 5)]);
        var tuples = new CopyTuples();
        tuples.StartRow(1);

        Assert.False(tuples.MultiPolygon(factory.CreateMultiPolygon([factory.CreatePolygon(ring)])));
        Assert.Equal(2, tuples.Length);
    }
}

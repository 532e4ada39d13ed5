using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Land;

/// <summary>
/// The one bulk write path into the land database: binary COPY, streamed row by row, so memory
/// stays flat for any batch size. The target is a table name so that a caller can copy into a
/// staging table of the same shape (submissions) or straight into the land table (seeding).
/// Columns valid_from and written_by take their defaults: the transaction must have set
/// datahub.writer.
/// </summary>
public static class LandCopy
{
    /// <summary>A parcel row's columns, as <see cref="WriteParcelAsync"/> and <see cref="EncodeParcel"/> give them.</summary>
    public const string ParcelColumns = "id, commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address, old_commune_code, old_map_sheet, old_parcel_no, registered_on, geom";

    /// <summary>A land use row's columns after its id, as <see cref="WriteLandUseAsync"/> and <see cref="EncodeLandUse"/> give them.</summary>
    public const string LandUseColumnsAfterId = "parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main";

    public static Task<ulong> ParcelsAsync(NpgsqlConnection connection, string table, IEnumerable<ParcelRow> rows, Action? onRow, CancellationToken ct) =>
        CopyAsync(connection, table,
            ParcelColumns, rows, onRow, (w, r) => WriteParcelAsync(w, r, ct), ct);

    /// <summary>One parcel row's columns, in the order of <see cref="ParcelsAsync"/>'s column list (submissions copy with it too).</summary>
    public static async Task WriteParcelAsync(NpgsqlBinaryImporter w, ParcelRow r, CancellationToken ct)
    {
        await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
        await w.WriteAsync(r.CommuneCode, NpgsqlDbType.Text, ct);
        await w.WriteAsync(r.MapSheet, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(r.ParcelNo, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(r.AreaM2, NpgsqlDbType.Numeric, ct);
        await WriteNullableAsync(w, r.LegalAreaM2, NpgsqlDbType.Numeric, ct);
        await WriteNullableAsync(w, r.Address, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(w, r.OldCommuneCode, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(w, r.OldMapSheet, NpgsqlDbType.Integer, ct);
        await WriteNullableAsync(w, r.OldParcelNo, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(r.RegisteredOn, NpgsqlDbType.Date, ct);
        await w.WriteAsync(r.Geometry, NpgsqlDbType.Geometry, ct);
    }

    /// <summary>
    /// A parcel row in the order of <see cref="WriteParcelAsync"/>, encoded ahead for a raw binary
    /// COPY (<see cref="CopyTuples"/>), its id left to be set at <see cref="CopyTuples.FirstValue"/>.
    /// False, with the buffer as it was, when the geometry has a third ordinate (the caller leaves that way).
    /// </summary>
    public static bool EncodeParcel(CopyTuples t, ParcelRow r)
    {
        var start = t.Length;
        t.StartRow(12);
        t.BigInt(r.Id);
        t.Text(r.CommuneCode);
        t.Int4(r.MapSheet);
        t.Int4(r.ParcelNo);
        t.Numeric(r.AreaM2);
        t.Numeric(r.LegalAreaM2);
        t.Text(r.Address);
        t.Text(r.OldCommuneCode);
        t.Int4(r.OldMapSheet);
        t.Int4(r.OldParcelNo);
        t.Date(r.RegisteredOn);
        if (!t.MultiPolygon(r.Geometry))
        {
            t.Truncate(start);
            return false;
        }
        return true;
    }

    /// <summary>A land use row in the order of <see cref="WriteLandUseAsync"/>, encoded ahead; its parcel_id at <see cref="CopyTuples.FirstValue"/>.</summary>
    public static void EncodeLandUse(CopyTuples t, LandUseRow r)
    {
        t.StartRow(7);
        t.BigInt(r.ParcelId);
        t.Text(r.PurposeCode);
        t.Numeric(r.AreaM2);
        t.Bool(r.LongTerm);
        t.Date(r.UseUntil);
        t.Text(r.OriginCode);
        t.Bool(r.IsMain);
    }

    /// <summary>
    /// Rows encoded ahead (<see cref="CopyTuples"/>) as one raw binary COPY into
    /// <paramref name="table"/>: <paramref name="write"/> sends the rows' bytes. The COPY ends
    /// when this returns (a row PostgreSQL refuses raises its error then); when
    /// <paramref name="write"/> throws, it is cancelled, so nothing of it is kept.
    /// </summary>
    public static async Task EncodedAsync(NpgsqlConnection connection, string table, string columns, Func<NpgsqlRawCopyStream, Task> write, CancellationToken ct)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync($"copy {table} ({columns}) from stdin (format binary)", ct);
        try
        {
            await copy.WriteAsync(CopyTuples.Header, ct);
            await write(copy);
            await copy.WriteAsync(CopyTuples.Trailer, ct);
        }
        catch
        {
            await copy.CancelAsync();
            throw;
        }
    }

    public static Task<ulong> LandUsesAsync(NpgsqlConnection connection, string table, IEnumerable<LandUseRow> rows, Action? onRow, CancellationToken ct) =>
        CopyAsync(connection, table,
            "id, parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main",
            rows, onRow, async (w, r) =>
            {
                await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
                await WriteLandUseAsync(w, r, ct);
            }, ct);

    /// <summary>
    /// A land use's columns after its id: parcel_id, purpose_code, area_m2, long_term, use_until,
    /// origin_code, is_main (submissions copy without the id, which the table then gives).
    /// </summary>
    public static async Task WriteLandUseAsync(NpgsqlBinaryImporter w, LandUseRow r, CancellationToken ct)
    {
        await w.WriteAsync(r.ParcelId, NpgsqlDbType.Bigint, ct);
        await w.WriteAsync(r.PurposeCode, NpgsqlDbType.Text, ct);
        await w.WriteAsync(r.AreaM2, NpgsqlDbType.Numeric, ct);
        await w.WriteAsync(r.LongTerm, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(w, r.UseUntil, NpgsqlDbType.Date, ct);
        await w.WriteAsync(r.OriginCode, NpgsqlDbType.Text, ct);
        await w.WriteAsync(r.IsMain, NpgsqlDbType.Boolean, ct);
    }

    public static Task<ulong> LandUsersAsync(NpgsqlConnection connection, string table, IEnumerable<LandUserRow> rows, Action? onRow, CancellationToken ct) =>
        CopyAsync(connection, table,
            "id, user_type_code, full_name, id_kind, id_number, birth_year, address",
            rows, onRow, async (w, r) =>
            {
                await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.UserTypeCode, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.FullName, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, r.IdKind, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, r.IdNumber, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, r.BirthYear, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, r.Address, NpgsqlDbType.Text, ct);
            }, ct);

    public static Task<ulong> ParcelUsersAsync(NpgsqlConnection connection, string table, IEnumerable<ParcelUserRow> rows, Action? onRow, CancellationToken ct) =>
        CopyAsync(connection, table, "id, parcel_id, land_user_id, role, share", rows, onRow, async (w, r) =>
        {
            await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.ParcelId, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.LandUserId, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.Role, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(w, r.Share, NpgsqlDbType.Numeric, ct);
        }, ct);

    public static Task<ulong> CertificatesAsync(NpgsqlConnection connection, string table, IEnumerable<CertificateRow> rows, Action? onRow, CancellationToken ct) =>
        CopyAsync(connection, table, "id, parcel_id, serial, register_no, issued_on, issuer, rights, restrictions", rows, onRow, async (w, r) =>
        {
            await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.ParcelId, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.Serial, NpgsqlDbType.Text, ct);
            await w.WriteAsync(r.RegisterNo, NpgsqlDbType.Text, ct);
            await w.WriteAsync(r.IssuedOn, NpgsqlDbType.Date, ct);
            await w.WriteAsync(r.Issuer, NpgsqlDbType.Text, ct);
            await w.WriteAsync(r.Rights, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(w, r.Restrictions, NpgsqlDbType.Text, ct);
        }, ct);

    public static Task<ulong> MortgagesAsync(NpgsqlConnection connection, string table, IEnumerable<MortgageRow> rows, Action? onRow, CancellationToken ct) =>
        CopyAsync(connection, table, "id, certificate_id, mortgagee, registered_on, released_on", rows, onRow, async (w, r) =>
        {
            await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.CertificateId, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.Mortgagee, NpgsqlDbType.Text, ct);
            await w.WriteAsync(r.RegisteredOn, NpgsqlDbType.Date, ct);
            await WriteNullableAsync(w, r.ReleasedOn, NpgsqlDbType.Date, ct);
        }, ct);

    /// <summary>
    /// Parcels of a submission into its staging table: the parcel columns, then the parcel's
    /// land uses as JSON (two COPY streams cannot share a connection, and buffering land uses
    /// would make memory grow with the batch) and the retirement flag.
    /// </summary>
    public static async Task<ulong> StagedParcelsAsync(NpgsqlConnection connection, string table, IAsyncEnumerable<(ParcelRow Parcel, string LandUsesJson, bool Retired)> rows, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {table} (id, commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address, old_commune_code, old_map_sheet, old_parcel_no, registered_on, geom, land_uses, retired) from stdin (format binary)", ct);
        await foreach (var (r, uses, retired) in rows.WithCancellation(ct))
        {
            await importer.StartRowAsync(ct);
            await WriteParcelAsync(importer, r, ct);
            await importer.WriteAsync(uses, NpgsqlDbType.Jsonb, ct);
            await importer.WriteAsync(retired, NpgsqlDbType.Boolean, ct);
        }
        return await importer.CompleteAsync(ct);
    }

    /// <summary>Moves each table's identity sequence past the ids that were copied in explicitly.</summary>
    public static async Task ResetIdentitiesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select setval(pg_get_serial_sequence(t, 'id'), coalesce(m, 0) + 1, false)
            from (values
              ('land.parcels', (select max(id) from land.parcels)),
              ('land.land_uses', (select max(id) from land.land_uses)),
              ('personal.land_users', (select max(id) from personal.land_users)),
              ('land.parcel_users', (select max(id) from land.parcel_users)),
              ('land.certificates', (select max(id) from land.certificates)),
              ('land.mortgages', (select max(id) from land.mortgages)),
              ('land.planning_zones', (select max(id) from land.planning_zones)),
              ('land.price_zones', (select max(id) from land.price_zones))
            ) as s(t, m)
            """, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<ulong> CopyAsync<T>(
        NpgsqlConnection connection, string table, string columns, IEnumerable<T> rows, Action? onRow,
        Func<NpgsqlBinaryImporter, T, Task> writeRow, CancellationToken ct)
    {
        // table and columns come from this class and its callers' constants, never from input.
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {table} ({columns}) from stdin (format binary)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            await writeRow(importer, row);
            onRow?.Invoke();
        }
        return await importer.CompleteAsync(ct);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct) where T : class =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? writer.WriteAsync(v, type, ct) : writer.WriteNullAsync(ct);
}

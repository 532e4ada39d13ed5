using System.Buffers.Binary;
using DataHub.Api.Land;
using NetTopologySuite.Geometries;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// The short way for the usual large parcels batch: every record a new parcel in VN-2000, valid.
/// Such a batch is copied straight into land.parcels and land.land_uses (binary COPY, in the
/// submission's transaction, after a savepoint), with the checks made on the checking threads
/// instead of in SQL over a staging table. Staging, the SQL checks and the merge cost PostgreSQL
/// about twice what the direct copy does (docs/performance.md, ingest).
/// </summary>
/// <remarks>
/// Nothing is decided here that the staged path would decide otherwise: at the first record this
/// path cannot take as it is (a problem of any kind, a retirement, another CRS, or a key that is
/// already a parcel or repeated in the batch, which the unique index refuses), the submission's
/// transaction goes back to the savepoint and the whole body goes the staged way, which reports
/// every problem and upserts. So each check here may be stricter than its SQL twin, never looser.
/// </remarks>
public sealed class ParcelDirectWrite
{
    private readonly Dictionary<string, List<(DateOnly From, DateOnly? To)>> units;
    private readonly Dictionary<(string List, string Code), List<(DateOnly From, DateOnly? To)>> codes;
    private readonly Envelope vietNam;
    private readonly uint idSequence;
    private readonly string? replicationRole;

    private ParcelDirectWrite(Dictionary<string, List<(DateOnly, DateOnly?)>> units,
        Dictionary<(string, string), List<(DateOnly, DateOnly?)>> codes, Envelope vietNam, uint idSequence, string? replicationRole)
    {
        this.units = units;
        this.codes = codes;
        this.vietNam = vietNam;
        this.idSequence = idSequence;
        this.replicationRole = replicationRole;
    }

    /// <summary>Why the short way was left; the submission then goes the staged way.</summary>
    public sealed class AbandonedException(string reason) : Exception(reason);

    /// <summary>
    /// Reads what the checks need, in the submission's transaction: the units and the two land-use
    /// code lists with their validity (reference data: small, whatever the batch), and Viet Nam's
    /// box in VN-2000 as BatchSql.InsideVietNam computes it, shrunk by a metre so that rounding
    /// can only make this check the stricter one; the parcels' id sequence; and whether this role
    /// may set session_replication_role (see <see cref="WriteAsync"/>), with its current value.
    /// </summary>
    public static async Task<ParcelDirectWrite> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var units = new Dictionary<string, List<(DateOnly, DateOnly?)>>();
        var codes = new Dictionary<(string, string), List<(DateOnly, DateOnly?)>>();
        await using var command = new NpgsqlCommand($"""
            select 'unit', code, valid_from, valid_to from ref.admin_units
            union all
            select list_id, code, valid_from, valid_to from ref.codes where list_id in ('land_use_purpose', 'land_use_origin');
            select ST_XMin(b) + 1, ST_YMin(b) + 1, ST_XMax(b) - 1, ST_YMax(b) - 1
            from (select {BatchSql.VietNamInVn2000} as b) box;
            select pg_get_serial_sequence('land.parcels', 'id')::regclass::oid,
                   case when has_parameter_privilege('session_replication_role', 'SET') then current_setting('session_replication_role') end;
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var validity = (reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? (DateOnly?)null : reader.GetFieldValue<DateOnly>(3));
            var (kind, code) = (reader.GetString(0), reader.GetString(1));
            var list = kind == "unit" ? Entry(units, code) : Entry(codes, (kind, code));
            list.Add(validity);
        }
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var box = new Envelope(reader.GetDouble(0), reader.GetDouble(2), reader.GetDouble(1), reader.GetDouble(3));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return new ParcelDirectWrite(units, codes, box, reader.GetFieldValue<uint>(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>
    /// For <see cref="SubmissionService.WarmUpAsync"/>: checks that know one commune and one code of
    /// each land-use list, valid always, and the whole plane as the box. Nothing it prepares is written.
    /// </summary>
    public static ParcelDirectWrite ForWarmUp(string commune, string purpose, string origin)
    {
        List<(DateOnly, DateOnly?)> always = [(DateOnly.MinValue, null)];
        return new ParcelDirectWrite(new() { [commune] = always },
            new() { [("land_use_purpose", purpose)] = always, [("land_use_origin", origin)] = always },
            new Envelope(double.MinValue, double.MaxValue, double.MinValue, double.MaxValue), 0, null);
    }

    private static List<(DateOnly, DateOnly?)> Entry<TKey>(Dictionary<TKey, List<(DateOnly, DateOnly?)>> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        return list;
    }

    /// <summary>
    /// On a checking thread: reads the record as the staged path does (ParcelRecords) and makes the
    /// staged path's SQL checks on it; throws <see cref="AbandonedException"/> where this path cannot go on.
    /// Null when the record had a problem (reported to <paramref name="problems"/>): the writer
    /// leaves at the next record.
    /// </summary>
    public ValidRecord? Prepare(ValidRecord record, ProblemList problems)
    {
        if (record.Srid != 9212)
        {
            throw new AbandonedException("the records are not in VN-2000");
        }
        if (ParcelRecords.Read(record.Index, record.Feature, record.Srid, problems) is not { } parcel)
        {
            return null;
        }
        if (parcel.Retired)
        {
            throw new AbandonedException($"record {record.Index} retires a parcel");
        }
        var row = parcel.Parcel;
        if (!ValidOn(units, row.CommuneCode, row.RegisteredOn)
            || parcel.LandUses.Any(u => !ValidOn(codes, ("land_use_purpose", u.PurposeCode), row.RegisteredOn)
                                     || !ValidOn(codes, ("land_use_origin", u.OriginCode), row.RegisteredOn)))
        {
            throw new AbandonedException($"record {record.Index} names a unit or code not valid on its registration date");
        }
        var geometry = row.Geometry;
        if (geometry.IsEmpty || !vietNam.Contains(geometry.EnvelopeInternal))
        {
            throw new AbandonedException($"record {record.Index} lies outside Viet Nam's box");
        }
        // NetTopologySuite 2.6 and PostGIS's GEOS 3.11 both port JTS's IsValidOp (the 1.19 rewrite);
        // the usual parcel is shown valid more quickly first.
        if (!SimplePolygons.IsCertainlyValid(geometry) && !geometry.IsValid)
        {
            throw new AbandonedException($"record {record.Index} has an invalid geometry");
        }
        // The staged check: |area_m2 - ST_Area| > area_m2 * 2 % + 1 m² is a problem; a centimetre
        // of margin so that double and numeric arithmetic cannot disagree at the edge.
        if (Math.Abs((double)row.AreaM2 - geometry.Area) > (double)row.AreaM2 * 0.02 + 1 - 0.01)
        {
            throw new AbandonedException($"record {record.Index}'s area_m2 does not match its geometry");
        }
        return record with { Row = Encoded.Of(parcel) ?? throw new AbandonedException($"record {record.Index} has coordinates with a third ordinate") };
    }

    private static bool ValidOn<TKey>(Dictionary<TKey, List<(DateOnly From, DateOnly? To)>> map, TKey key, DateOnly day) where TKey : notnull =>
        map.TryGetValue(key, out var spans) && spans.Exists(s => s.From <= day && (s.To is null || day < s.To));

    /// <summary>
    /// Parcels copied at a time before their land uses (the one connection takes one COPY at a
    /// time). Small: with chunks of 25,000 the checking threads stood while each chunk's land uses were
    /// copied, and a 100,000-parcel batch took longer (docs/performance.md, ingest).
    /// </summary>
    public const int ChunkRecords = 2_000;

    /// <summary>
    /// Copies the records into land.parcels and land.land_uses, a chunk at a time: the parcels of
    /// a chunk under ids taken from their sequence, then the chunk's land uses, kept meanwhile
    /// (memory bounded by the chunk). The rows come encoded (<see cref="Encoded"/>): this only
    /// sets their ids and sends them. Returns the parcels written.
    /// </summary>
    public async Task<int> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IAsyncEnumerator<ValidRecord> records,
        ProblemList problems, CancellationToken ct)
    {
        var written = 0;
        var chunk = new List<Encoded>(ChunkRecords);
        var more = await records.MoveNextAsync();
        while (more)
        {
            var ids = await TakeIdsAsync(connection, transaction, ChunkRecords, ct);
            chunk.Clear();
            await LandCopy.EncodedAsync(connection, "land.parcels", LandCopy.ParcelColumns, async copy =>
            {
                for (var i = 0; i < ids.Length && more; i++, more = await records.MoveNextAsync())
                {
                    if (problems.Count > 0)
                    {
                        throw new AbandonedException("a record has problems");
                    }
                    var parcel = (Encoded)records.Current.Row!;
                    parcel.SetParcelId(ids[i]);
                    await copy.WriteAsync(parcel.ParcelRow, ct);
                    chunk.Add(parcel);
                }
            }, ct);
            written += chunk.Count;
            // A new parcel's insert has put it in the change feed; its land uses are not recorded
            // again (schemas/sql/0102_changes_recorded_with.sql), as in the staged merge.
            // The land uses' foreign key is checked row by row (a lookup and a lock of the parcel
            // per land use), about a third of their copy. Every parcel_id here is an id this
            // chunk's parcels were just copied under, in this transaction, so the check cannot
            // fail: where the role may, the copy runs as PostgreSQL's replication applies rows
            // (session_replication_role = replica), which fires none of the table's ordinary
            // triggers. The others do nothing for this copy (the stamps equal the defaults; the
            // change feed is skipped just above); DirectWriteTests holds their list.
            await BatchSql.ExecuteAsync(connection, transaction, replicationRole is null
                ? "select set_config('datahub.changes_recorded_with', 'land.land_uses', true)"
                : "select set_config('datahub.changes_recorded_with', 'land.land_uses', true), set_config('session_replication_role', 'replica', true)", ct);
            await LandCopy.EncodedAsync(connection, "land.land_uses", LandCopy.LandUseColumnsAfterId, async copy =>
            {
                foreach (var parcel in chunk)
                {
                    await copy.WriteAsync(parcel.LandUseRows, ct);
                }
            }, ct);
            await BatchSql.ExecuteAsync(connection, transaction, replicationRole is null
                ? "select set_config('datahub.changes_recorded_with', '', true)"
                : "select set_config('datahub.changes_recorded_with', '', true), set_config('session_replication_role', $1, true)", ct,
                replicationRole is null ? [] : [replicationRole]);
        }
        if (problems.Count > 0)
        {
            throw new AbandonedException("a record has problems");
        }
        return written;
    }

    /// <summary>
    /// A record's rows as the writer sends them, encoded on a checking thread: its parcel's row,
    /// then its land uses' rows, each with the parcel's id still to be set (the id is taken by the
    /// writer, for its chunk).
    /// </summary>
    public sealed class Encoded(byte[] rows, int landUsesAt, int[] landUseStarts)
    {
        public ReadOnlyMemory<byte> ParcelRow => rows.AsMemory(0, landUsesAt);

        public ReadOnlyMemory<byte> LandUseRows => rows.AsMemory(landUsesAt);

        public void SetParcelId(long id)
        {
            BinaryPrimitives.WriteInt64BigEndian(rows.AsSpan(CopyTuples.FirstValue), id);
            foreach (var start in landUseStarts)
            {
                BinaryPrimitives.WriteInt64BigEndian(rows.AsSpan(start + CopyTuples.FirstValue), id);
            }
        }

        [ThreadStatic]
        private static CopyTuples? scratch;

        /// <summary>The record's rows encoded; null when its geometry has a third ordinate.</summary>
        public static Encoded? Of(StagedParcel parcel)
        {
            var tuples = scratch ??= new CopyTuples();
            tuples.Clear();
            if (!LandCopy.EncodeParcel(tuples, parcel.Parcel))
            {
                return null;
            }
            var landUsesAt = tuples.Length;
            var starts = new int[parcel.LandUses.Count];
            for (var i = 0; i < starts.Length; i++)
            {
                starts[i] = tuples.Length;
                LandCopy.EncodeLandUse(tuples, parcel.LandUses[i]);
            }
            return new Encoded(tuples.ToArray(), landUsesAt, starts);
        }
    }

    // Ids for a chunk's parcels, so that their land uses can name them without asking back. The
    // sequence goes in as its oid: named by pg_get_serial_sequence, it was looked up once per id,
    // and the ids of 100,000 parcels took the connection half a second instead of a twentieth.
    private async Task<long[]> TakeIdsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select array_agg(nextval($1::regclass)) from generate_series(1, $2)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = idSequence, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        return (long[])(await command.ExecuteScalarAsync(ct))!;
    }
}

using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Submissions;

/// <summary>
/// A price-zones submission (exchange structure v2) inside its transaction: prices are copied
/// (binary COPY) into a staging table, checked together in SQL, and merged into
/// land.price_zones by their natural key (price_table, zone_code, position); the history trigger
/// keeps every previous version and skips no-op updates. Land types and units are taken as on
/// effective_from, the day the price starts to apply.
/// </summary>
public sealed class PriceZoneBatch(NpgsqlConnection connection, NpgsqlTransaction transaction) : IRecordBatch
{
    public string StagingTable => "staged_price_zones";

    public Task CreateStagingAsync(CancellationToken ct) => BatchSql.ExecuteAsync(connection, transaction, $"""
        create unlogged table staged_price_zones (
          id int not null, price_table text not null, zone_code text not null, position smallint not null, retired boolean not null,
          land_type_code text, road_name text, segment_from text, segment_to text, price_per_m2 numeric,
          effective_from date, effective_to date, unit_code text, geom geometry, {BatchSql.ChunkColumn}) {BatchSql.StagingPartitioned};
        """, ct);

    public async Task<ulong> StageAsync(IAsyncEnumerable<ValidRecord> records, ProblemList problems, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync("""
            copy staged_price_zones (id, price_table, zone_code, position, retired, land_type_code, road_name, segment_from, segment_to,
                                     price_per_m2, effective_from, effective_to, unit_code, geom) from stdin (format binary)
            """, ct);
        await foreach (var (index, p, retired, geometry) in FeatureGeometry.ZonesAsync(records, problems, multiPolygon: false, ct))
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(index, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(p.GetProperty("price_table").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(p.GetProperty("zone_code").GetString()!, NpgsqlDbType.Text, ct);
            await importer.WriteAsync((short)p.GetProperty("position").GetInt32(), NpgsqlDbType.Smallint, ct);
            await importer.WriteAsync(retired, NpgsqlDbType.Boolean, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "land_type_code"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "road_name"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "segment_from"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "segment_to"), NpgsqlDbType.Text, ct);
            // An integer of at most 14 digits (the structure's maximum): exact as a decimal.
            await importer.WriteOrNullAsync(p.TryGetProperty("price_per_m2", out var price) ? (decimal?)price.GetDecimal() : null, NpgsqlDbType.Numeric, ct);
            await importer.WriteOrNullAsync(BatchSql.Date(p, "effective_from"), NpgsqlDbType.Date, ct);
            await importer.WriteOrNullAsync(BatchSql.Date(p, "effective_to"), NpgsqlDbType.Date, ct);
            await importer.WriteOrNullAsync(BatchSql.Text(p, "unit_code"), NpgsqlDbType.Text, ct);
            await importer.WriteOrNullAsync(geometry, NpgsqlDbType.Geometry, ct);
        }
        var staged = await importer.CompleteAsync(ct);
        await importer.DisposeAsync();
        await BatchSql.ToStoredCrsAsync(connection, transaction, "staged_price_zones", multi: false, ct);
        return staged;
    }

    public async Task CheckAsync(ProblemList problems, CancellationToken ct)
    {
        // Position (1-9) and a price above 0 are fixed by the exchange structure itself.
        var checks = BatchSql.GeometryChecks("staged_price_zones") + $$"""
            union all
            select id, 'properties.effective_to', format('effective_to %s must be after effective_from %s.', effective_to, effective_from)
            from staged_price_zones
            where not retired and effective_to <= effective_from
            union all
            select id, 'properties.land_type_code', format('Land type %s is not valid on %s (code list land_use_purpose).', land_type_code, effective_from)
            from staged_price_zones
            where not retired and not {{BatchSql.CodeValidOn("land_use_purpose", "land_type_code", "effective_from")}}
            union all
            select id, 'properties.unit_code', format('Unit %s is not an administrative unit on %s (effective_from).', unit_code, effective_from)
            from staged_price_zones
            where not retired and not {{BatchSql.UnitValidOn("unit_code", "effective_from")}}
            union all
            select id, 'properties', format('Duplicate price (table %s, zone %s, position %s): record %s has the same key.', price_table, zone_code, position, first)
            from (select id, price_table, zone_code, position, min(id) over w as first
                  from staged_price_zones window w as (partition by price_table, zone_code, position)) d
            where id <> first
            union all
            select s.id, 'properties', format('There is no price (table %s, zone %s, position %s) to retire.', s.price_table, s.zone_code, s.position)
            from staged_price_zones s
            where s.retired and not exists (select 1 from land.price_zones z
                                            where (z.price_table, z.zone_code, z.position) = (s.price_table, s.zone_code, s.position))
            order by 1, 2
            """;
        await BatchSql.ReadProblemsAsync(connection, transaction, checks, problems, ct);
    }

    public Task DropAsync(IReadOnlySet<int> records, CancellationToken ct) =>
        BatchSql.ExecuteAsync(connection, transaction, "delete from staged_price_zones where id = any($1)", ct, records.ToArray());

    /// <summary>
    /// Upserts by (price_table, zone_code, position), then retires. An update that changes nothing
    /// is skipped by the history trigger and returns no row: it counts as unchanged.
    /// </summary>
    public async Task<BatchCounts> MergeAsync(CancellationToken ct)
    {
        await BatchSql.ExecuteAsync(connection, transaction, """
            drop table if exists pg_temp.merged_prices; -- left by the previous chunk's merge
            create temp table merged_prices (inserted boolean not null) on commit drop;
            with upserted as (
              insert into land.price_zones (price_table, zone_code, position, land_type_code, road_name, segment_from, segment_to,
                                            price_per_m2, effective_from, effective_to, unit_code, geom)
              select price_table, zone_code, position, land_type_code, road_name, segment_from, segment_to,
                     price_per_m2, effective_from, effective_to, unit_code, geom
              from staged_price_zones where not retired order by id
              on conflict on constraint price_zones_natural_key do update set
                land_type_code = excluded.land_type_code, road_name = excluded.road_name, segment_from = excluded.segment_from,
                segment_to = excluded.segment_to, price_per_m2 = excluded.price_per_m2, effective_from = excluded.effective_from,
                effective_to = excluded.effective_to, unit_code = excluded.unit_code, geom = excluded.geom
              returning xmax = 0 as inserted)
            insert into merged_prices select inserted from upserted;
            """, ct);
        return await BatchSql.CountsAsync(connection, transaction, """
            with gone as (
              delete from land.price_zones z using staged_price_zones s
              where s.retired and (z.price_table, z.zone_code, z.position) = (s.price_table, s.zone_code, s.position)
              returning z.id)
            select (select count(*) from merged_prices where inserted), (select count(*) from merged_prices where not inserted),
                   (select count(*) from gone), (select count(*) from staged_price_zones where not retired)
            """, ct);
    }
}

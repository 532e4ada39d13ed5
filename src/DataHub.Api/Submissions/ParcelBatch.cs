using System.Runtime.CompilerServices;
using System.Text.Json;
using DataHub.Api.Land;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// A parcels submission: records go through the bulk write path
/// (LandCopy, binary COPY) into a staging table, are checked together in SQL, and
/// are merged into the land tables by natural key (commune, map sheet, parcel number); the
/// history triggers keep every previous version.
/// </summary>
public sealed class ParcelBatch(NpgsqlConnection connection, NpgsqlTransaction transaction) : IRecordBatch
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string StagingTable => "staged_parcels";

    public Task CreateStagingAsync(CancellationToken ct) => ExecuteAsync($"""
        create unlogged table staged_parcels (like land.parcels, {BatchSql.ChunkColumn}) {BatchSql.StagingPartitioned};
        alter table staged_parcels
          alter column geom type geometry, alter column written_by drop not null, alter column valid_from drop not null,
          add column land_uses jsonb not null, add column retired boolean not null;
        """, ct);

    /// <summary>Reads the parcel, its geometry and land uses on a checking thread; staging then only writes.</summary>
    public ValidRecord? Prepare(ValidRecord record, ProblemList problems) =>
        ParcelRecords.Read(record.Index, record.Feature, record.Srid, problems) is { } r
            ? record with { Row = (r.Parcel, JsonSerializer.Serialize(r.LandUses, Json), r.Retired) }
            : null;

    public async Task<ulong> StageAsync(IAsyncEnumerable<ValidRecord> records, ProblemList problems, CancellationToken ct)
    {
        var staged = await LandCopy.StagedParcelsAsync(connection, "staged_parcels", Rows(records, ct), ct);
        await BatchSql.ToStoredCrsAsync(connection, transaction, "staged_parcels", multi: true, ct);
        return staged;
    }

    private static async IAsyncEnumerable<(ParcelRow, string, bool)> Rows(IAsyncEnumerable<ValidRecord> records, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in records.WithCancellation(ct))
        {
            yield return ((ParcelRow, string, bool))record.Row!;
        }
    }

    public async Task CheckAsync(ProblemList problems, CancellationToken ct)
    {
        // Set-based on purpose: units and codes through BatchSql's EXISTS conditions rather than a
        // ref.unit_at / ref.code_valid call per row, and each geometry checked for validity once
        // (docs/performance.md, ingest profile).
        var checks = $$"""
            with shapes as materialized (
              select id, v.valid, v.reason, v.location, ST_SRID(geom) as srid, case when v.valid then ST_Area(geom) end as area
              from staged_parcels, lateral ST_IsValidDetail(geom) v
              where not retired)
            select id::int, 'geometry', 'The geometry is not valid: ' || reason || coalesce(' at ' || ST_AsText(ST_Transform(ST_SetSRID(location, srid), 4326), 7) || ' (lon lat)', '') || '.'
            from shapes
            where not valid
            union all
            select id::int, 'geometry', 'The geometry lies outside Viet Nam (check the declared CRS and the axis order).'
            from staged_parcels
            where not retired and not {{BatchSql.InsideVietNam("geom")}}
            union all
            select id::int, 'properties', format('Duplicate parcel (%s, sheet %s, parcel %s): record %s has the same key.', commune_code, map_sheet, parcel_no, first)
            from (select id, commune_code, map_sheet, parcel_no, min(id) over w as first, count(*) over w as n
                  from staged_parcels window w as (partition by commune_code, map_sheet, parcel_no)) d
            where n > 1 and id <> first
            union all
            select id::int, 'properties.commune_code', format('Commune %s is not an administrative unit on %s, the registration date.', commune_code, registered_on)
            from staged_parcels s
            where not retired and not {{BatchSql.UnitValidOn("s.commune_code", "s.registered_on")}}
            union all
            select s.id::int, format('properties.land_uses[%s].%s', u.ordinality - 1, c.field),
                   format('%s code %s is not valid on %s (code list %s).', c.what, c.code, s.registered_on, c.list)
            from staged_parcels s, jsonb_array_elements(s.land_uses) with ordinality u,
                 lateral (values ('purpose_code', 'Purpose', 'land_use_purpose', u.value->>'purposeCode'),
                                 ('origin_code', 'Origin', 'land_use_origin', u.value->>'originCode')) c(field, what, list, code)
            where not s.retired and not {{BatchSql.CodeInListValidOn("c.list", "c.code", "s.registered_on")}}
            union all
            select s.id::int, 'properties.area_m2', format('area_m2 is %s m² but the geometry measures %s m² (more than 2 %% + 1 m² apart).', s.area_m2, round(g.area::numeric, 1))
            from staged_parcels s join shapes g using (id)
            where g.valid and abs(s.area_m2 - g.area::numeric) > s.area_m2 * 0.02 + 1
            union all
            select s.id::int, 'properties', format('There is no parcel (%s, sheet %s, parcel %s) to retire.', s.commune_code, s.map_sheet, s.parcel_no)
            from staged_parcels s
            where s.retired and not exists (select 1 from land.parcels p where (p.commune_code, p.map_sheet, p.parcel_no) = (s.commune_code, s.map_sheet, s.parcel_no))
            order by 1, 2
            """;
        await BatchSql.ReadProblemsAsync(connection, transaction, checks, problems, ct);
    }

    public Task DropAsync(IReadOnlySet<int> records, CancellationToken ct) =>
        ExecuteAsync("delete from staged_parcels where id = any($1)", ct, records.Select(r => (long)r).ToArray());

    /// <summary>Upserts parcels and their land uses by natural key and retires the ones marked so.</summary>
    public async Task<BatchCounts> MergeAsync(CancellationToken ct)
    {
        // Every parcel this submission changed, and whether it is new. Updates that change
        // nothing are skipped by the history trigger and so return no row: they stay "unchanged".
        await ExecuteAsync("""
            drop table if exists pg_temp.touched, pg_temp.target_uses; -- left by the previous chunk's merge
            create temp table touched (parcel_id bigint not null, inserted boolean not null,
                                       commune_code text, map_sheet int, parcel_no int) on commit drop;

            with upserted as (
              insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address,
                                        old_commune_code, old_map_sheet, old_parcel_no, registered_on, geom)
              select commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address,
                     old_commune_code, old_map_sheet, old_parcel_no, registered_on, geom
              from staged_parcels where not retired order by id
              on conflict on constraint parcels_natural_key do update set
                area_m2 = excluded.area_m2, legal_area_m2 = excluded.legal_area_m2, address = excluded.address,
                old_commune_code = excluded.old_commune_code, old_map_sheet = excluded.old_map_sheet,
                old_parcel_no = excluded.old_parcel_no, registered_on = excluded.registered_on, geom = excluded.geom
              returning id, xmax = 0 as inserted, commune_code, map_sheet, parcel_no)
            insert into touched select * from upserted;

            -- A new parcel has no land uses yet: they are written as they are, without looking
            -- for ones to replace (most of a large batch is usually new parcels). The parcel's own
            -- insert has put it in the change feed, so its land uses are not recorded again
            -- (schemas/sql/0102_changes_recorded_with.sql).
            select set_config('datahub.changes_recorded_with', 'land.land_uses', true);
            insert into land.land_uses (parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main)
            select t.parcel_id, u."purposeCode", u."areaM2", u."longTerm", u."useUntil", u."originCode", u."isMain"
            from touched t
            join staged_parcels s using (commune_code, map_sheet, parcel_no)
            cross join lateral jsonb_to_recordset(s.land_uses) as u("purposeCode" text, "areaM2" numeric, "longTerm" boolean,
                                                                    "useUntil" date, "originCode" text, "isMain" boolean)
            where t.inserted and not s.retired;
            select set_config('datahub.changes_recorded_with', '', true);

            -- A parcel that existed (updated or unchanged) has its land uses replaced by purpose.
            -- (Materialized first: joined with land.parcels only for the parcels that existed,
            -- none in an all-new batch, instead of hashing the whole table.)
            create temp table target_uses on commit drop as
            with existed as materialized (
              select s.commune_code, s.map_sheet, s.parcel_no, s.land_uses
              from staged_parcels s
              where not s.retired
                and not exists (select 1 from touched t where t.inserted and (t.commune_code, t.map_sheet, t.parcel_no) = (s.commune_code, s.map_sheet, s.parcel_no)))
            select p.id as parcel_id, u."purposeCode" as purpose_code, u."areaM2" as area_m2, u."longTerm" as long_term,
                   u."useUntil" as use_until, u."originCode" as origin_code, u."isMain" as is_main
            from existed s
            join land.parcels p on (p.commune_code, p.map_sheet, p.parcel_no) = (s.commune_code, s.map_sheet, s.parcel_no)
            cross join lateral jsonb_to_recordset(s.land_uses) as u("purposeCode" text, "areaM2" numeric, "longTerm" boolean,
                                                                    "useUntil" date, "originCode" text, "isMain" boolean);

            with removed as (
              delete from land.land_uses u
              where u.parcel_id in (select parcel_id from target_uses)
                and not exists (select 1 from target_uses t where t.parcel_id = u.parcel_id and t.purpose_code = u.purpose_code)
              returning u.parcel_id),
            written as (
              insert into land.land_uses (parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main)
              select parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main from target_uses
              on conflict (parcel_id, purpose_code) do update set
                area_m2 = excluded.area_m2, long_term = excluded.long_term, use_until = excluded.use_until,
                origin_code = excluded.origin_code, is_main = excluded.is_main
              returning parcel_id)
            insert into touched (parcel_id, inserted) select parcel_id, false from removed union all select parcel_id, false from written;
            """, ct);

        // Retirements, then the counts. A parcel is in touched either as inserted (once, by its
        // upsert) or as changed (by its update or its land uses), never both: the land uses
        // rewritten are only those of parcels that existed.
        return await BatchSql.CountsAsync(connection, transaction, """
            with gone as (
              delete from land.parcels p using staged_parcels s
              where s.retired and (p.commune_code, p.map_sheet, p.parcel_no) = (s.commune_code, s.map_sheet, s.parcel_no)
              returning p.id)
            select count(distinct parcel_id) filter (where inserted), count(distinct parcel_id) filter (where not inserted),
                   (select count(*) from gone), (select count(*) from staged_parcels where not retired)
            from touched
            """, ct);
    }

    private Task ExecuteAsync(string sql, CancellationToken ct, params object[] values) =>
        BatchSql.ExecuteAsync(connection, transaction, sql, ct, values);
}

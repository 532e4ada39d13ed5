using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Database;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Deliveries;

/// <summary>A record as it is sent: null Json means it no longer exists (a delete).</summary>
public sealed record RenderedRecord(string? Commune, long Version, string? Json);

/// <summary>
/// Reads the records a batch of messages names, as they are now, in their exchange structure
/// (parcels with their land uses, land statistics, planning and price zones); other datasets
/// (administrative units) as their published feature.
/// PostgreSQL builds the JSON. A record that is gone is a delete, with its commune from history.
/// Version: microseconds since 1970 of the record's version start, the same on every send.
/// </summary>
public sealed class OutboxRecords(NpgsqlDataSource dataSource, Catalogue catalogue)
{
    /// <summary>The exchange structure version a dataset's records are rendered in, or null for a published feature.</summary>
    public static string? StructureVersion(string datasetId) => datasetId switch
    {
        "parcels" or "land-statistics" => "v1",
        "planning-zones" or "price-zones" => "v2",
        _ => null,
    };

    private const string ParcelsSql = """
        select p.id::text, p.commune_code,
               (extract(epoch from greatest(p.valid_from, u.changed)) * 1000000)::bigint,
               json_build_object('type', 'Feature', 'id', p.id,
                 'geometry', ST_AsGeoJSON(ST_Transform(p.geom, 4326), 7)::json,
                 -- Unset optional fields are left out, as the exchange structure has them (it takes no nulls).
                 'properties', json_strip_nulls(json_build_object(
                   'commune_code', p.commune_code, 'map_sheet', p.map_sheet, 'parcel_no', p.parcel_no,
                   'area_m2', p.area_m2, 'legal_area_m2', p.legal_area_m2, 'address', p.address,
                   'old_commune_code', p.old_commune_code, 'old_map_sheet', p.old_map_sheet, 'old_parcel_no', p.old_parcel_no,
                   'registered_on', p.registered_on, 'land_uses', u.uses)))::text
        from land.parcels p
        cross join lateral (
          select max(lu.valid_from) as changed,
                 json_agg(json_build_object('purpose_code', lu.purpose_code, 'area_m2', lu.area_m2, 'long_term', lu.long_term,
                   'use_until', lu.use_until, 'origin_code', lu.origin_code, 'is_main', lu.is_main) order by lu.is_main desc, lu.id) as uses
          from land.land_uses lu where lu.parcel_id = p.id) u
        where p.id = any($1::text[]::bigint[])
        """;

    private const string RetiredParcelsSql = """
        select distinct on (h.id) h.id::text, h.commune_code from history.land_parcels h
        where h.id = any($1::text[]::bigint[]) order by h.id, h.valid_to desc
        """;

    private const string StatisticsSql = """
        select s.unit_code || ':' || s.purpose_code || ':' || s.user_type_code || ':' || s.year,
               case when length(s.unit_code) = 5 then s.unit_code end,
               (extract(epoch from s.valid_from) * 1000000)::bigint,
               json_build_object('type', 'Feature', 'geometry', null, 'properties', json_strip_nulls(json_build_object(
                 'unit_code', s.unit_code, 'purpose_code', s.purpose_code, 'user_type_code', s.user_type_code,
                 'year', s.year, 'area_m2', s.area_m2, 'source', s.source)))::text
        from land.statistics s
        where s.unit_code || ':' || s.purpose_code || ':' || s.user_type_code || ':' || s.year = any($1)
        """;

    // The zones in their v2 structure (keyed by plan or price table and zone code).
    private static readonly string PlanningZonesSql = ZonesSql("land.planning_zones", """
        'plan_code', z.plan_code, 'zone_code', z.zone_code, 'plan_kind', z.plan_kind,
        'planned_purpose_code', z.planned_purpose_code, 'period_from', z.period_from, 'period_to', z.period_to,
        'unit_code', z.unit_code, 'approved_by', z.approved_by
        """);

    private static readonly string PriceZonesSql = ZonesSql("land.price_zones", """
        'price_table', z.price_table, 'zone_code', z.zone_code, 'land_type_code', z.land_type_code,
        'road_name', z.road_name, 'segment_from', z.segment_from, 'segment_to', z.segment_to,
        'position', z.position, 'price_per_m2', z.price_per_m2, 'effective_from', z.effective_from,
        'effective_to', z.effective_to, 'unit_code', z.unit_code
        """);

    // One zone table's records: a zone's commune is its unit when that is a commune; unset
    // properties are left out, as the structure asks. (table and properties are this class's constants.)
    private static string ZonesSql(string table, string properties) => $"""
        select z.id::text, case when length(z.unit_code) = 5 then z.unit_code end,
               (extract(epoch from z.valid_from) * 1000000)::bigint,
               json_build_object('type', 'Feature', 'id', z.id,
                 'geometry', ST_AsGeoJSON(ST_Transform(z.geom, 4326), 7)::json,
                 'properties', json_strip_nulls(json_build_object({properties})))::text
        from {table} z where z.id = any($1::text[]::bigint[])
        """;

    // Events never change: their version is their time, their record the event itself.
    private const string SharingEventsSql = """
        select e.id::text, null::text, (extract(epoch from e.at) * 1000000)::bigint,
               json_build_object('kind', e.kind, 'at', e.at, 'requestId', e.request_id, 'grantId', e.grant_id,
                 'requesterUnit', e.requester_unit, 'datasets', e.datasets, 'fromState', e.from_state, 'toState', e.to_state,
                 'actor', e.actor, 'details', e.payload)::text
        from special_sharing.events e where e.id = any($1::text[]::bigint[])
        """;

    private const string BackupAlertsSql = """
        select a.id::text, null::text, (extract(epoch from a.raised_at) * 1000000)::bigint,
               json_build_object('type', a.event_type, 'raisedAt', a.raised_at, 'subject', a.subject, 'message', a.message)::text
        from backups.alerts a where a.id = any($1::text[]::bigint[])
        """;

    public async Task<Dictionary<string, RenderedRecord>> ReadAsync(string datasetId, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var found = new Dictionary<string, RenderedRecord>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        switch (datasetId)
        {
            case "parcels":
                await ReadIntoAsync(connection, ParcelsSql, keys, found, ct);
                var gone = keys.Where(k => !found.ContainsKey(k)).ToArray();
                if (gone.Length > 0)
                {
                    await using var command = new NpgsqlCommand(RetiredParcelsSql, connection);
                    command.Parameters.Add(new NpgsqlParameter { Value = gone });
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        found[reader.GetString(0)] = new RenderedRecord(reader.GetString(1), 0, null);
                    }
                }
                break;
            case "land-statistics":
                await ReadIntoAsync(connection, StatisticsSql, keys, found, ct);
                break;
            case "planning-zones":
                await ReadIntoAsync(connection, PlanningZonesSql, keys, found, ct);
                break;
            case "price-zones":
                await ReadIntoAsync(connection, PriceZonesSql, keys, found, ct);
                break;
            case "sharing-events":
                await ReadIntoAsync(connection, SharingEventsSql, keys, found, ct);
                break;
            case "backup-alerts":
                await ReadIntoAsync(connection, BackupAlertsSql, keys, found, ct);
                break;
            default:
                await ReadPublishedAsync(connection, datasetId, keys, found, ct);
                break;
        }
        return found;
    }

    private static async Task ReadIntoAsync(NpgsqlConnection connection, string sql, IReadOnlyCollection<string> keys, Dictionary<string, RenderedRecord> found, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found[reader.GetString(0)] = new RenderedRecord(reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetString(3));
        }
    }

    // Datasets without an exchange rendering of their own go out as their published feature.
    private async Task ReadPublishedAsync(NpgsqlConnection connection, string datasetId, IReadOnlyCollection<string> keys, Dictionary<string, RenderedRecord> found, CancellationToken ct)
    {
        if (await catalogue.FindAsync(datasetId, ct) is not { } dataset)
        {
            return;
        }
        var key = SqlBuilder.Identifier(dataset.KeyColumn);
        await using var command = new NpgsqlCommand($"""
            select {key}::text, {ItemsSql.FeatureJson(dataset, ReadScope.DefaultSharing(dataset).Fields, CrsRegistry.Crs84)}
            from {SqlBuilder.Relation(dataset.SourceRelation)} where {key} = any($1::text[]{(dataset.IntegerKey ? "::bigint[]" : "")})
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found[reader.GetString(0)] = new RenderedRecord(null, 0, reader.GetString(1));
        }
    }
}

using DataHub.Api.Audit;
using DataHub.Api.Collections;
using DataHub.Api.DataRequests;
using DataHub.Api.Extraction;
using Npgsql;

namespace DataHub.Api.Grants;

/// <summary>A grant as stored: the agreed scope, its period (valid_to exclusive), rate limit, and revocation.</summary>
public sealed record Grant(
    Guid Id, Guid RequestId, string GranteeUnit, string[] Datasets, SharingScope Scope, DateTimeOffset ValidFrom, DateTimeOffset ValidTo,
    int RateLimitPerHour, string Delivery, DateTimeOffset GrantedAt, string GrantedBy, DateTimeOffset? RevokedAt, string? RevokedBy,
    string? RevocationReason)
{
    /// <summary>revoked, scheduled (before its start), expired (its period over) or active: read at each request, so a change takes effect on the next one.</summary>
    public string StatusAt(DateTimeOffset now) =>
        RevokedAt is not null && RevokedAt <= now ? "revoked" : now < ValidFrom ? "scheduled" : now >= ValidTo ? "expired" : "active";
}

/// <summary>A grant as its parties see it.</summary>
public sealed record GrantDocument(
    Guid Id, Guid RequestId, string GranteeUnit, IReadOnlyList<DatasetScope> Datasets, DateTimeOffset ValidFrom, DateTimeOffset ValidTo,
    int RateLimitPerHour, string Delivery, string Status, DateTimeOffset GrantedAt, string GrantedBy, DateTimeOffset? RevokedAt,
    string? RevokedBy, string? RevocationReason, long Reads, long RecordsRead, IReadOnlyList<GrantExtract> Extracts, IReadOnlyList<OgcLink> Links);

/// <summary>A one-off extract of a grant: its extraction job and, once done, the file's link.</summary>
public sealed record GrantExtract(Guid Id, string Dataset, IReadOnlyList<string> Fields, string Format, string Status, long RowsWritten,
    DateTimeOffset? ExpiresAt, string? File);

/// <summary>The revocation of a grant: reasons in writing, and the legal basis where there is one.</summary>
public sealed record GrantRevocation(string? Reasons, string? LegalBasis);

/// <summary>Grants, their reads (rate limit, usage) and the audit of each read.</summary>
public sealed class GrantStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = """
        g.id, g.request_id, g.grantee_unit, g.datasets, g.scope::text, g.valid_from, g.valid_to, g.rate_limit_per_hour, g.delivery,
        g.granted_at, g.granted_by, g.revoked_at, g.revoked_by, g.revocation_reason
        """;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<Grant?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from special_sharing.grants g where g.id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>The grants the caller sees (its unit's, its datasets', or all for the department's administrators), newest first.</summary>
    public async Task<IReadOnlyList<Grant>> ListAsync(SharingCaller caller, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand();
        var visible = caller.VisibleSql(command, "g", "grantee_unit");
        command.CommandText = $"select {Columns} from special_sharing.grants g where {visible} order by g.granted_at desc limit 500";
        var list = new List<Grant>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    /// <summary>Reads through the grant and records they returned, in all.</summary>
    public async Task<(long Reads, long Records)> UsageAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select count(*), coalesce(sum(records), 0)::bigint from special_sharing.grant_reads where grant_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Null while the grant's hourly rate limit has room; otherwise the seconds until it has.</summary>
    public async Task<int?> RateLimitedAsync(Grant grant, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select count(*), extract(epoch from min(at) + interval '1 hour' - now())
            from special_sharing.grant_reads where grant_id = $1 and at > now() - interval '1 hour'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = grant.Id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt64(0) < grant.RateLimitPerHour ? null : Math.Max(1, (int)Math.Ceiling(reader.GetDouble(1)));
    }

    /// <summary>
    /// Records one read through a grant, with the number of records that actually left, and its
    /// audit entry (who, when, how many records, which fields): Law 91/2025 asks for a log of
    /// every processing of personal data.
    /// </summary>
    public async Task RecordReadAsync(Grant grant, string actor, string collection, string via, long records,
        IReadOnlyList<DatasetField> fields, string? query, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(
            "insert into special_sharing.grant_reads (grant_id, actor, collection, via, records) values ($1, $2, $3, $4, $5)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = grant.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = actor });
            command.Parameters.Add(new NpgsqlParameter { Value = collection });
            command.Parameters.Add(new NpgsqlParameter { Value = via });
            command.Parameters.Add(new NpgsqlParameter { Value = records });
            await command.ExecuteNonQueryAsync(ct);
        }
        await AuditTrail.AppendAsync(connection, transaction, actor, "grant.read", $"grant:{grant.Id}", new
        {
            collection,
            via,
            records,
            fields = fields.Select(f => f.Name).ToArray(),
            personalFields = fields.Where(f => f.Sensitivity == "personal").Select(f => f.Name).ToArray(),
            query,
        }, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<GrantDocument> DocumentAsync(Grant grant, Extractions extractions, string baseUrl, CancellationToken ct)
    {
        var (reads, records) = await UsageAsync(grant.Id, ct);
        var self = $"{baseUrl}/api/v1/grants/{grant.Id}";
        var extracts = (await extractions.ForGrantAsync(grant.Id, ct)).Select(j => new GrantExtract(j.Id, j.Dataset, j.Fields, j.Format, j.Status,
            j.RowsWritten, j.ExpiresAt, j.Status == "done" ? $"{self}/extractions/{j.Id}/file" : null)).ToList();
        var links = new List<OgcLink>
        {
            new(self, "self", OgcLinks.Json, "This grant"),
            new($"{baseUrl}/api/v1/data-requests/{grant.RequestId}", "related", OgcLinks.Json, "The request and its negotiation"),
        };
        if (grant.Delivery == "api")
        {
            links.AddRange(grant.Datasets.Select(d => new OgcLink($"{self}/collections/{d}/items", "items", OgcLinks.GeoJson, $"The granted features of {d}")));
        }
        return new GrantDocument(grant.Id, grant.RequestId, grant.GranteeUnit, grant.Scope.Datasets, grant.ValidFrom, grant.ValidTo,
            grant.RateLimitPerHour, grant.Delivery, grant.StatusAt(Now), grant.GrantedAt, grant.GrantedBy, grant.RevokedAt, grant.RevokedBy,
            grant.RevocationReason, reads, records, extracts, links);
    }

    private static Grant Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetFieldValue<string[]>(3), SharingScope.FromJson(r.GetString(4)),
        r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetInt32(7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9),
        r.GetString(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11), r.IsDBNull(12) ? null : r.GetString(12),
        r.IsDBNull(13) ? null : r.GetString(13));
}

/// <summary>The ReadScope of a grant's dataset, for the collections' read path and for extraction jobs.</summary>
public static class GrantScopes
{
    /// <summary>Where the rows of a dataset without geometry lie (catalog.dataset_locators), if anywhere.</summary>
    public static async Task<DatasetLocator?> LocatorAsync(NpgsqlDataSource dataSource, string datasetId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select column_name, relation, relation_key, geometry_column, srid from catalog.dataset_locators where dataset_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = datasetId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new DatasetLocator(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4))
            : null;
    }

    public static async Task<ReadScope> ReadScopeAsync(NpgsqlDataSource dataSource, DatasetScope part, Dataset dataset, CancellationToken ct) =>
        part.ToReadScope(dataset, part.Area is not null && !dataset.IsSpatial ? await LocatorAsync(dataSource, dataset.Id, ct) : null);

    /// <summary>The scope an extraction job of a grant runs with; refused when the grant was revoked meanwhile.</summary>
    public static async Task<ReadScope> ForExtractAsync(NpgsqlDataSource dataSource, Guid grantId, Dataset dataset, CancellationToken ct)
    {
        var grant = await new GrantStore(dataSource, TimeProvider.System).FindAsync(grantId, ct)
            ?? throw new InvalidOperationException($"grant {grantId} does not exist");
        if (grant.RevokedAt is not null)
        {
            throw new InvalidOperationException($"grant {grantId} was revoked at {grant.RevokedAt:u}");
        }
        var part = grant.Scope.For(dataset.Id) ?? throw new InvalidOperationException($"grant {grantId} does not cover {dataset.Id}");
        return await ReadScopeAsync(dataSource, part, dataset, ct);
    }
}

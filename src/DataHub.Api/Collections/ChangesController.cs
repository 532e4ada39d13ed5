using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using System.Globalization;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Collections;

/// <summary>
/// Incremental sync: what changed in a collection since a cursor. A client keeps the returned
/// cursor and asks again; no change is skipped or repeated, also while writes are in flight.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/collections/{collectionId}/changes")]
[Tags("Collections (OGC API - Features)")]
[Authorize(Policy = Permissions.DataRead)]
public sealed class ChangesController(Catalogue catalogue, NpgsqlDataSource dataSource) : ControllerBase
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>
    /// Changes since a cursor, oldest first: each with its operation and the feature as it is now
    /// (null once deleted). since=latest answers no changes and the cursor of now: take it before
    /// a full download, then follow the feed from it.
    /// </summary>
    /// <param name="collectionId">The collection.</param>
    /// <param name="since">A cursor from an earlier answer, 'latest', or nothing for the beginning.</param>
    /// <param name="limit">Changes per answer: default 100, at most 10,000.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "GetChanges")]
    [ChecksOwnQuery]
    [ProducesResponseType<ChangesDocument>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetChanges(string collectionId, [FromQuery] string? since, [FromQuery] string? limit, CancellationToken ct)
    {
        if (await catalogue.FindAsync(collectionId, ct) is not { DefaultShared: true } dataset)
        {
            return Problem(statusCode: 404, title: "Unknown collection",
                detail: $"There is no collection '{collectionId}'. The collections are listed at /api/v1/collections.");
        }
        foreach (var name in Request.Query.Keys.Where(k => k is not ("since" or "limit")))
        {
            return this.Invalid(name, $"Unknown parameter '{name}'. Parameters: since, limit.");
        }
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1))
        {
            return this.Invalid("limit", $"'{limit}' is not a positive integer.");
        }
        count = Math.Min(count, MaxLimit);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        ChangeCursor cursor;
        if (since == "latest")
        {
            cursor = new ChangeCursor(await HorizonAsync(connection, transaction, ct), long.MaxValue);
            return Ok(new ChangesDocument([], cursor.ToString(), false, Links(dataset, cursor)));
        }
        if (since is null)
        {
            cursor = ChangeCursor.Start;
        }
        else if (!ChangeCursor.TryParse(since, out cursor))
        {
            return this.Invalid("since", "Not a cursor this hub gave out. Use the 'next' value of an earlier answer, 'latest', or leave it out.");
        }

        var changes = new List<(long Id, ulong Tx, string Key, string Op)>();
        await using (var command = new NpgsqlCommand(ChangeFeedSql.Page, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = dataset.SourceTables.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = cursor.TransactionId.ToString(CultureInfo.InvariantCulture) });
            command.Parameters.Add(new NpgsqlParameter { Value = cursor.ChangeId });
            command.Parameters.Add(new NpgsqlParameter { Value = count });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                changes.Add((reader.GetInt64(0), ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3)));
            }
        }

        var features = await CurrentFeaturesAsync(connection, transaction, dataset, changes.Select(c => c.Key).Distinct().ToList(), ct);
        await transaction.CommitAsync(ct);

        // One entry per feature, at the position of its last change: the feed says what to do
        // to catch up, not every intermediate step (history keeps those).
        var entries = changes
            .GroupBy(c => c.Key)
            .OrderBy(g => g.Max(c => (c.Tx, c.Id)))
            .Select(g =>
            {
                var exists = features.TryGetValue(g.Key, out var feature);
                var op = !exists ? "delete" : g.First().Op == "insert" ? "insert" : "update";
                return new ChangeEntry(g.Max(c => c.Id), op, dataset.IntegerKey ? long.Parse(g.Key, CultureInfo.InvariantCulture) : g.Key,
                    exists ? System.Text.Json.JsonDocument.Parse(feature!).RootElement : null);
            })
            .ToList();
        var next = changes.Count == 0 ? cursor : new ChangeCursor(changes[^1].Tx, changes[^1].Id);
        return Ok(new ChangesDocument(entries, next.ToString(), changes.Count == count, Links(dataset, next)));
    }

    private static async Task<ulong> HorizonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_snapshot_xmin(pg_current_snapshot())::text", connection, transaction);
        // Changes below the horizon are already visible to a download that starts now; those at
        // or above it are not, and are still to come in the feed. The cursor sits just below.
        var horizon = ulong.Parse((string)(await command.ExecuteScalarAsync(ct))!, CultureInfo.InvariantCulture);
        return horizon - 1;
    }

    private static async Task<Dictionary<string, string>> CurrentFeaturesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Dataset dataset, List<string> keys, CancellationToken ct)
    {
        var result = new Dictionary<string, string>();
        if (keys.Count == 0)
        {
            return result;
        }
        var visible = ReadScope.DefaultSharing(dataset).Fields;
        var sql = new SqlBuilder();
        var keyList = dataset.IntegerKey
            ? sql.Add(keys.Select(k => long.Parse(k, CultureInfo.InvariantCulture)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint)
            : sql.Add(keys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var key = SqlBuilder.Identifier(dataset.KeyColumn);
        await using var command = sql.CreateCommand(connection, transaction, $"""
            select {key}::text, {ItemsSql.FeatureJson(dataset, visible, CrsRegistry.Crs84)}
            from {SqlBuilder.Relation(dataset.SourceRelation)}
            where {key} = any({keyList})
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }
        return result;
    }

    private List<OgcLink> Links(Dataset dataset, ChangeCursor next)
    {
        var root = OgcLinks.Base(Request);
        return
        [
            new($"{root}/api/v1/collections/{dataset.Id}/changes?since={next}", "next", "application/json", "Changes after these"),
            new($"{root}/api/v1/collections/{dataset.Id}", "collection", "application/json", "The collection"),
        ];
    }
}

/// <summary>One feature's catch-up step; Change is the feed position of its last change (increasing).</summary>
public sealed record ChangeEntry(
    long Change, string Op, object Id,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] System.Text.Json.JsonElement? Feature);

public sealed record ChangesDocument(IReadOnlyList<ChangeEntry> Changes, string Next, bool More, IReadOnlyList<OgcLink> Links);

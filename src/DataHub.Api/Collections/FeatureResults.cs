using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Collections;

/// <summary>
/// Streams a page of features: PostGIS produces each feature's GeoJSON, the hub writes it to the
/// response as the row arrives. Nothing is held but the current row, whatever the page size.
/// </summary>
public sealed class FeatureCollectionResult(
    NpgsqlDataSource dataSource, MatchCounts counts, Dataset dataset, ItemsRequest request,
    SqlBuilder sql, string where, string pageSql, FeaturesWritten? written = null) : IActionResult
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the count and the page, so numberMatched and the features agree.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        // numberMatched is optional (OGC API - Features 7.15.8) and costs a pass over everything the
        // query selects; clients read it from the first page, so later pages leave it out. Next
        // links then follow from a full page.
        long? matched = null;
        if (request.Offset == 0)
        {
            matched = await counts.CountAsync(connection, transaction, dataset, where, sql, ct);
        }

        http.Response.ContentType = OgcLinks.GeoJson + "; charset=utf-8";
        if (dataset.IsSpatial)
        {
            http.Response.Headers["Content-Crs"] = $"<{request.Crs.Uri}>";
        }
        await using var writer = new StreamWriter(http.Response.Body, Utf8, bufferSize: 64 * 1024);
        var counted = matched is { } m ? $"\"numberMatched\":{m}," : "";
        await writer.WriteAsync($$"""{"type":"FeatureCollection",{{counted}}"timeStamp":"{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}","features":[""");

        long returned = 0;
        try
        {
            await using var page = sql.CreateCommand(connection, transaction, pageSql);
            await using var reader = await page.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                if (returned > 0)
                {
                    await writer.WriteAsync(',');
                }
                await writer.WriteAsync(reader.GetString(0));
                returned++;
            }
        }
        finally
        {
            // The features that left, even when the client went away mid-stream (special-request reads are audited with it).
            if (written is not null)
            {
                await written(returned, CancellationToken.None);
            }
        }
        await transaction.CommitAsync(ct);

        var links = ItemsLinks(http.Request, request, matched, returned);
        await writer.WriteAsync($$"""],"numberReturned":{{returned}},"links":{{JsonSerializer.Serialize(links, JsonOptions)}}}""");
    }


    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        // Links carry '&' and '+': keep them readable, the output is JSON, not HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static List<OgcLink> ItemsLinks(HttpRequest http, ItemsRequest request, long? matched, long returned)
    {
        var links = new List<OgcLink>
        {
            new(OgcLinks.WithQuery(http, new Dictionary<string, string?> { ["f"] = "json" }), "self", OgcLinks.GeoJson, "This page"),
            new(OgcLinks.WithQuery(http, new Dictionary<string, string?> { ["f"] = "html" }), "alternate", OgcLinks.Html, "This page as HTML"),
            new(OgcLinks.WithQuery(http, new Dictionary<string, string?> { ["f"] = "csv" }), "alternate", OgcLinks.Csv, "This page as CSV"),
            new(OgcLinks.Base(http) + http.Path.Value![..http.Path.Value!.LastIndexOf("/items", StringComparison.Ordinal)], "collection", OgcLinks.Json, "The collection"),
        };
        if (matched is { } total ? request.Offset + returned < total : returned == request.Limit)
        {
            links.Add(new(OgcLinks.WithQuery(http, new Dictionary<string, string?>
            {
                ["offset"] = (request.Offset + request.Limit).ToString(CultureInfo.InvariantCulture),
                ["limit"] = request.Limit.ToString(CultureInfo.InvariantCulture),
            }), "next", OgcLinks.GeoJson, "Next page"));
        }
        if (request.Offset > 0)
        {
            links.Add(new(OgcLinks.WithQuery(http, new Dictionary<string, string?>
            {
                ["offset"] = Math.Max(0, request.Offset - request.Limit).ToString(CultureInfo.InvariantCulture),
                ["limit"] = request.Limit.ToString(CultureInfo.InvariantCulture),
            }), "prev", OgcLinks.GeoJson, "Previous page"));
        }
        return links;
    }
}

/// <summary>The same query as CSV (f=csv): a header of property names, geometry as WKT, streamed.</summary>
public sealed class FeatureCsvResult(
    NpgsqlDataSource dataSource, Dataset dataset, IReadOnlyList<DatasetField> visible, SqlBuilder sql, string rowsSql,
    FeaturesWritten? written = null) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        http.Response.ContentType = OgcLinks.Csv + "; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"inline; filename=\"{dataset.Id}.csv\"";
        await using var command = sql.CreateCommand(dataSource, rowsSql);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        await using var text = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await using var csv = CsvWriter.Create(text, new CsvWriterOptions(), false);
        csv.WriteField("id");
        foreach (var field in visible.Where(f => !f.IsGeometry))
        {
            csv.WriteField(field.Name);
        }
        if (dataset.IsSpatial && visible.Any(f => f.IsGeometry))
        {
            csv.WriteField("wkt");
        }
        await csv.EndRecordAsync(ct);
        long rows = 0;
        try
        {
            while (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    csv.WriteField(await reader.IsDBNullAsync(i, ct) ? "" : Format(reader.GetValue(i)));
                }
                await csv.EndRecordAsync(ct);
                rows++;
            }
        }
        finally
        {
            if (written is not null)
            {
                await written(rows, CancellationToken.None);
            }
        }
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        string[] list => string.Join(';', list),
        DateTime t => t.Kind == DateTimeKind.Unspecified ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

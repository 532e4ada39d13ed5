using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Collections;

/// <summary>Told how many features a read wrote, once the stream has ended (or broke off).</summary>
public delegate Task FeaturesWritten(long features, CancellationToken ct);

/// <summary>
/// The items and one-feature reads of a collection within a scope: the one code path of default
/// sharing (/collections) and of special-request grants (/grants/{id}/collections).
/// </summary>
public static class FeatureReads
{
    /// <summary>The streamed page (GeoJSON or CSV) of a validated items request, or a 400 for a bad filter.</summary>
    public static IActionResult Items(ControllerBase controller, NpgsqlDataSource dataSource, MatchCounts counts, Dataset dataset,
        ReadScope scope, ItemsRequest request, FeaturesWritten? written = null)
    {
        var sql = new SqlBuilder();
        string where;
        try
        {
            where = ItemsSql.Where(dataset, scope, request, sql, Filters.Translate);
        }
        catch (FilterException e)
        {
            return controller.Invalid("filter", e.Message);
        }
        return request.Format switch
        {
            "csv" => new FeatureCsvResult(dataSource, dataset, scope.Fields, sql, ItemsSql.Rows(dataset, scope.Fields, request, where, sql), written),
            _ => new FeatureCollectionResult(dataSource, counts, dataset, request, sql, where, ItemsSql.Page(dataset, scope.Fields, request, where, sql), written),
        };
    }

    /// <summary>The key of a feature id as the dataset types it; null when it cannot be one.</summary>
    public static object? Key(Dataset dataset, string featureId) =>
        !dataset.IntegerKey ? featureId
        : long.TryParse(featureId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id
        : null;

    /// <summary>One feature's GeoJSON within the scope, or null when the scope holds no such feature.</summary>
    public static async Task<string?> OneAsync(NpgsqlDataSource dataSource, Dataset dataset, ReadScope scope, ItemsRequest request, object key, CancellationToken ct)
    {
        var sql = new SqlBuilder();
        await using var command = sql.CreateCommand(dataSource, ItemsSql.One(dataset, scope, request.Crs, key, sql, Filters.Translate));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>A feature's GeoJSON with its links (self, HTML, collection) as the answer.</summary>
    public static ContentResult FeatureDocument(HttpRequest http, Dataset dataset, ItemsRequest request, string feature)
    {
        var self = OgcLinks.Base(http) + http.Path;
        var collection = self[..self.LastIndexOf("/items/", StringComparison.Ordinal)];
        var links = System.Text.Json.JsonSerializer.Serialize(new[]
        {
            new OgcLink(self, "self", OgcLinks.GeoJson, "This feature"),
            new OgcLink($"{self}?f=html", "alternate", OgcLinks.Html, "This feature as HTML"),
            new OgcLink(collection, "collection", OgcLinks.Json, "The collection"),
        }, FeatureCollectionResult.JsonOptions);
        if (dataset.IsSpatial)
        {
            http.HttpContext.Response.Headers["Content-Crs"] = $"<{request.Crs.Uri}>";
        }
        return new ContentResult
        {
            ContentType = OgcLinks.GeoJson + "; charset=utf-8",
            Content = feature[..^1] + ",\"links\":" + links + "}",
        };
    }
}

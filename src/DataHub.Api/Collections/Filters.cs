using DataHub.Api.Collections.Filtering;
using DataHub.Api.Infrastructure.Database;

namespace DataHub.Api.Collections;

/// <summary>A filter the hub cannot accept; the message says what and where.</summary>
public sealed class FilterException(string message) : Exception(message);

/// <summary>CQL2 text filters over a collection's visible queryables.</summary>
public static class Filters
{
    public static string Translate(string filter, Dataset dataset, IReadOnlyList<DatasetField> visible, SqlBuilder sql, Crs filterCrs)
    {
        var properties = visible
            .Where(f => f.Queryable && TypeOf(f) is not null)
            .ToDictionary(f => f.Name, f => new FilterProperty(f.Name, f.Column, TypeOf(f)!.Value), StringComparer.Ordinal);
        try
        {
            return Cql2Filter.ToSql(filter, properties, sql, dataset.StorageSrid ?? 4326, filterCrs.Srid, filterCrs.LatitudeFirst);
        }
        catch (Cql2Exception e)
        {
            throw new FilterException(e.Message);
        }
    }

    private static QueryableType? TypeOf(DatasetField f) => f.Type switch
    {
        "string" => QueryableType.String,
        "integer" => QueryableType.Integer,
        "number" => QueryableType.Number,
        "boolean" => QueryableType.Boolean,
        "date" => QueryableType.Date,
        "timestamp" => QueryableType.Timestamp,
        "geometry" => QueryableType.Geometry,
        _ => null, // arrays are shown, not filtered
    };
}

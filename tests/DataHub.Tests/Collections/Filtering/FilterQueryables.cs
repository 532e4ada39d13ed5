using DataHub.Api.Collections.Filtering;
using DataHub.Api.Infrastructure.Database;
using FilterProperty = DataHub.Api.Collections.Filtering.FilterProperty;

namespace DataHub.Tests.Collections.Filtering;

/// <summary>The queryables of the test parcels table, and a shorthand for translating against them.</summary>
internal static class FilterQueryables
{
    public const int StorageSrid = 9212;

    public static readonly IReadOnlyDictionary<string, FilterProperty> Parcels = new Dictionary<string, FilterProperty>
    {
        ["name"] = new("name", "name", QueryableType.String),
        ["map_sheet"] = new("map_sheet", "map_sheet", QueryableType.Integer),
        ["area"] = new("area", "area_m2", QueryableType.Number),
        ["legal_area"] = new("legal_area", "legal_area_m2", QueryableType.Number),
        ["is_main"] = new("is_main", "is_main", QueryableType.Boolean),
        ["registeredOn"] = new("registeredOn", "registered_on", QueryableType.Date),
        ["updated_at"] = new("updated_at", "updated_at", QueryableType.Timestamp),
        ["geom"] = new("geom", "geom", QueryableType.Geometry),
    };

    public static (string Sql, SqlBuilder Builder) Translate(string filter, int filterSrid = 4326)
    {
        var builder = new SqlBuilder();
        return (Cql2Filter.ToSql(filter, Parcels, builder, StorageSrid, filterSrid), builder);
    }

    public static object?[] Values(SqlBuilder builder) => [.. builder.Parameters.Select(p => p.Value)];

    public static Cql2Exception Error(string filter) =>
        Assert.Throws<Cql2Exception>(() => Cql2Filter.ToSql(filter, Parcels, new SqlBuilder(), StorageSrid));
}

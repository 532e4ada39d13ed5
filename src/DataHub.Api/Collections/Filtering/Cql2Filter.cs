using DataHub.Api.Infrastructure.Database;

namespace DataHub.Api.Collections.Filtering;

/// <summary>OGC API - Features Part 3 filters written in CQL2 text, translated to PostgreSQL/PostGIS.</summary>
public static class Cql2Filter
{
    /// <summary>
    /// Parses CQL2 text and returns a SQL boolean expression whose values are all parameters
    /// added to <paramref name="sql"/>. Geometry literals are read in <paramref name="filterSrid"/>
    /// (4326: CRS84 lon/lat order, as CQL2 writes them; <paramref name="latitudeFirst"/> for
    /// EPSG:4326 itself, whose axis order is latitude first) and moved to <paramref name="storageSrid"/>.
    /// </summary>
    /// <exception cref="Cql2Exception">The filter is malformed, too large, or does not fit the queryables; nothing was added to <paramref name="sql"/>.</exception>
    public static string ToSql(string filter, IReadOnlyDictionary<string, FilterProperty> queryables, SqlBuilder sql, int storageSrid, int filterSrid = 4326, bool latitudeFirst = false)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(queryables);
        ArgumentNullException.ThrowIfNull(sql);

        Cql2Prescan.Check(filter);
        var tree = Cql2Parser.Parse(Cql2Tokenizer.Tokenize(filter), filter.Length);

        // A dry run on a scratch builder first, so a filter that fails half-way through leaves
        // no stray parameters in the caller's statement.
        new Cql2Translator(queryables, new SqlBuilder(), storageSrid, filterSrid, latitudeFirst).Translate(tree);
        return new Cql2Translator(queryables, sql, storageSrid, filterSrid, latitudeFirst).Translate(tree);
    }
}

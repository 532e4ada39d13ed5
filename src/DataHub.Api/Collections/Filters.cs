using DataHub.Api.Infrastructure.Database;

namespace DataHub.Api.Collections;

/// <summary>A filter the hub cannot accept; the message says what and where.</summary>
public sealed class FilterException(string message) : Exception(message);

/// <summary>CQL2 text filters over a collection's visible queryables.</summary>
public static class Filters
{
    public static string Translate(string filter, Dataset dataset, IReadOnlyList<DatasetField> visible, SqlBuilder sql, int filterSrid) =>
        throw new FilterException("CQL2 filters are not available yet.");
}

using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Collections;

public sealed record DatasetField(
    string Name, string Column, string Type, string Sensitivity, string TitleVi, string TitleEn,
    bool Queryable, bool Sortable, string? CodeList)
{
    public bool IsGeometry => Type == "geometry";
}

public sealed record Dataset(
    string Id, string TitleVi, string TitleEn, string DescriptionVi, string DescriptionEn, string Publisher,
    string SharingMode, string UpdateFrequency, string SourceRelation, IReadOnlyList<string> SourceTables,
    string KeyColumn, string KeyType, string? GeometryColumn, string? GeometryType, int? StorageSrid,
    string? TemporalColumn, string? SchemaUri, string TermsOfUse, IReadOnlyList<string> Keywords,
    IReadOnlyList<DatasetField> Fields)
{
    public bool IsSpatial => GeometryColumn is not null;
    public bool IntegerKey => KeyType == "integer";
    public bool DefaultShared => SharingMode == "default";
    public DatasetField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <summary>
/// The dataset catalogue (catalog.datasets and catalog.dataset_fields), read from the database
/// and kept for a minute: it changes through migrations, not per request.
/// </summary>
public sealed class Catalogue(NpgsqlDataSource dataSource, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim loading = new(1, 1);
    private (IReadOnlyList<Dataset> Datasets, DateTimeOffset LoadedAt)? cached;

    public async Task<IReadOnlyList<Dataset>> AllAsync(CancellationToken ct)
    {
        if (cached is { } c && time.GetUtcNow() - c.LoadedAt < Lifetime)
        {
            return c.Datasets;
        }
        await loading.WaitAsync(ct);
        try
        {
            if (cached is { } again && time.GetUtcNow() - again.LoadedAt < Lifetime)
            {
                return again.Datasets;
            }
            var datasets = await LoadAsync(ct);
            cached = (datasets, time.GetUtcNow());
            return datasets;
        }
        finally
        {
            loading.Release();
        }
    }

    public void Dispose() => loading.Dispose();

    public async Task<Dataset?> FindAsync(string id, CancellationToken ct) =>
        (await AllAsync(ct)).FirstOrDefault(d => d.Id == id);

    /// <summary>
    /// A version of the dataset's data as this moment's readers see it (see
    /// catalog.dataset_version) and when it last changed: the basis of ETags and "last updated".
    /// </summary>
    public async Task<(string Version, DateTimeOffset ChangedAt)> VersionAsync(Dataset dataset, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select version, changed_at from catalog.dataset_version($1::text[]::regclass[])");
        command.Parameters.Add(new NpgsqlParameter { Value = dataset.SourceTables.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private async Task<IReadOnlyList<Dataset>> LoadAsync(CancellationToken ct)
    {
        var fields = new Dictionary<string, List<DatasetField>>();
        await using (var command = dataSource.CreateCommand("""
            select dataset_id, name, column_name, type, sensitivity, title_vi, title_en, queryable, sortable, code_list
            from catalog.dataset_fields order by dataset_id, position
            """))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetString(0);
                if (!fields.TryGetValue(id, out var list))
                {
                    fields[id] = list = [];
                }
                // Column names are quoted wherever they are used; checking them here fails fast on a bad catalogue row.
                _ = SqlBuilder.Identifier(reader.GetString(2));
                list.Add(new DatasetField(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetBoolean(7), reader.GetBoolean(8),
                    await reader.IsDBNullAsync(9, ct) ? null : reader.GetString(9)));
            }
        }

        var datasets = new List<Dataset>();
        await using (var command = dataSource.CreateCommand("""
            select id, title_vi, title_en, description_vi, description_en, publisher, sharing_mode, update_frequency,
                   source_relation, source_tables::text[], key_column, key_type, geometry_column, geometry_type, storage_srid,
                   temporal_column, schema_uri, terms_of_use, keywords
            from catalog.datasets order by position
            """))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                var id = reader.GetString(0);
                datasets.Add(new Dataset(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                    reader.GetFieldValue<string[]>(9), reader.GetString(10), reader.GetString(11), Text(12), Text(13),
                    reader.IsDBNull(14) ? null : reader.GetInt32(14), Text(15), Text(16), reader.GetString(17),
                    reader.GetFieldValue<string[]>(18), fields.GetValueOrDefault(id) ?? []));
            }
        }
        return datasets;
    }
}

namespace DataHub.Api.Collections;

/// <summary>
/// What one caller may read of a dataset: which fields, and which rows (a CQL2 text condition
/// over any of the dataset's fields, set by the hub, never by the caller, and an area). Every
/// read path of the collections takes one, so a grant (special-request sharing) narrows the same
/// query that default sharing runs.
/// </summary>
public sealed record ReadScope(IReadOnlyList<DatasetField> Fields, string? RowFilter, ScopeArea? Area = null)
{
    /// <summary>Default sharing: the public fields, every row.</summary>
    public static ReadScope DefaultSharing(Dataset dataset) =>
        new(dataset.Fields.Where(f => f.Sensitivity == "public").ToList(), null);
}

/// <summary>
/// An area that limits the rows of a scope: a bbox (WGS 84 west, south, east, north),
/// administrative units (each with its latest boundary; a row in any of them), or a GeoJSON
/// geometry (WGS 84). A dataset without geometry is located through <see cref="Locator"/>.
/// </summary>
public sealed record ScopeArea(double[]? Bbox, IReadOnlyList<string>? Units, string? GeometryJson, DatasetLocator? Locator = null);

/// <summary>Where the rows of a dataset without geometry lie: its column's value is the key of a row of a spatial relation (catalog.dataset_locators).</summary>
public sealed record DatasetLocator(string Column, string Relation, string RelationKey, string GeometryColumn, int Srid);

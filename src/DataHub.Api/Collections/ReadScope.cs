namespace DataHub.Api.Collections;

/// <summary>
/// What one caller may read of a dataset: which fields, and which rows (a CQL2 text condition
/// over any of the dataset's fields, set by the hub, never by the caller). Every read path of
/// the collections takes one, so a grant (special-request sharing) narrows the same query that
/// default sharing runs.
/// </summary>
public sealed record ReadScope(IReadOnlyList<DatasetField> Fields, string? RowFilter)
{
    /// <summary>Default sharing: the public fields, every row.</summary>
    public static ReadScope DefaultSharing(Dataset dataset) =>
        new(dataset.Fields.Where(f => f.Sensitivity == "public").ToList(), null);
}

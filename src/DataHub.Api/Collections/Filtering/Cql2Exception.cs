namespace DataHub.Api.Collections.Filtering;

/// <summary>A filter that cannot be translated; <see cref="Position"/> is the 0-based character offset of the fault.</summary>
public sealed class Cql2Exception(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}

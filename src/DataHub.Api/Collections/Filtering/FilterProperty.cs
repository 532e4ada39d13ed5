using System.Diagnostics.CodeAnalysis;

namespace DataHub.Api.Collections.Filtering;

[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names are the JSON Schema types the queryables document publishes.")]
public enum QueryableType { String, Integer, Number, Boolean, Date, Timestamp, Geometry }

/// <summary>A property clients may filter on: <paramref name="Name"/> is what they write, <paramref name="Column"/> the SQL column.</summary>
public sealed record FilterProperty(string Name, string Column, QueryableType Type);

using Superpower.Display;

namespace DataHub.Api.Collections.Filtering;

// The Example texts are what Superpower prints in "expected ..." messages, so they read as CQL2.
internal enum Cql2Token
{
    None,
    [Token(Example = "(")] LParen,
    [Token(Example = ")")] RParen,
    [Token(Example = ",")] Comma,
    [Token(Example = "=")] Equal,
    [Token(Example = "<>")] NotEqual,
    [Token(Example = "<")] Less,
    [Token(Example = "<=")] LessOrEqual,
    [Token(Example = ">")] Greater,
    [Token(Example = ">=")] GreaterOrEqual,
    [Token(Description = "string")] String,
    [Token(Description = "number")] Number,
    [Token(Description = "property name")] Identifier,
    [Token(Description = "quoted property name")] QuotedIdentifier,
    [Token(Description = "geometry")] Geometry,
    [Token(Example = "AND")] And,
    [Token(Example = "OR")] Or,
    [Token(Example = "NOT")] Not,
    [Token(Example = "LIKE")] Like,
    [Token(Example = "BETWEEN")] Between,
    [Token(Example = "IN")] In,
    [Token(Example = "IS")] Is,
    [Token(Example = "NULL")] Null,
    [Token(Example = "TRUE")] True,
    [Token(Example = "FALSE")] False,
    [Token(Example = "DATE")] Date,
    [Token(Example = "TIMESTAMP")] Timestamp,
    [Token(Example = "BBOX")] Bbox,
    [Token(Description = "spatial function")] SpatialFunction,
}

using NetTopologySuite.Geometries;

namespace DataHub.Api.Land;

// Rows of the land database as the bulk write path takes them; geometry in EPSG:9212.
public sealed record ParcelRow(
    long Id, string CommuneCode, int MapSheet, int ParcelNo, decimal AreaM2, decimal? LegalAreaM2,
    string? Address, string? OldCommuneCode, int? OldMapSheet, int? OldParcelNo, DateOnly RegisteredOn,
    MultiPolygon Geometry);

public sealed record LandUseRow(
    long Id, long ParcelId, string PurposeCode, decimal AreaM2, bool LongTerm, DateOnly? UseUntil,
    string OriginCode, bool IsMain);

public sealed record LandUserRow(
    long Id, string UserTypeCode, string FullName, string? IdKind, string? IdNumber, int? BirthYear, string? Address);

public sealed record ParcelUserRow(long Id, long ParcelId, long LandUserId, string Role, decimal? Share);

public sealed record CertificateRow(
    long Id, long ParcelId, string Serial, string RegisterNo, DateOnly IssuedOn, string Issuer, string Rights,
    string? Restrictions);

public sealed record MortgageRow(long Id, long CertificateId, string Mortgagee, DateOnly RegisteredOn, DateOnly? ReleasedOn);

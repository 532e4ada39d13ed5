namespace DataHub.Api.Dossiers;

/// <summary>
/// The time dossier steps are taken at, and today in the province: deadlines are counted in the
/// province's working days whatever zone the hub's clock runs in. Its own service so tests can
/// walk a dossier through Tết without moving the clock the tokens are checked against.
/// </summary>
public sealed class DossierClock(TimeProvider time)
{
    public static readonly TimeZoneInfo Province = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    public DateTimeOffset Now => time.GetUtcNow().ToUniversalTime();

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Province).DateTime);
}

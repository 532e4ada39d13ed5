namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// Every date and time a request gives lies in 1900-2199: MVC's binding checks it
/// (<see cref="ModelValidation"/>), and so do the parsers of their own (the items' datetime). A
/// date left out of a body reads as 0001-01-01, and Npgsql stores 0001-01-01 and 9999-12-31 as
/// -infinity and infinity: working-day arithmetic from them never ended, and a dossier given an
/// infinite return date could no longer be read.
/// </summary>
public static class RequestDates
{
    public static readonly DateOnly First = new(1900, 1, 1), Last = new(2199, 12, 31);

    public const string Span = "1900-01-01 to 2199-12-31";

    public static bool InYears(DateOnly date) => date >= First && date <= Last;

    public static string Outside(string kind, string shown) => $"The {kind} {shown} is outside the years the hub takes ({Span}).";
}

using DataHub.Api.Land;

namespace DataHub.Api.Seeding;

/// <summary>
/// The sample land database, one table at a time: each method streams its rows from the parcel
/// index alone, so every table is written in one pass with flat memory and the same seed always
/// gives the same rows. Ids are fixed functions of the parcel index (parcel i has id i + 1).
/// </summary>
public sealed class SampleLand(long seed, long parcels)
{
    public static readonly DateOnly FirstRegistration = new(1998, 1, 1);
    public static readonly DateOnly LastRegistration = new(2026, 10, 31);
    public static readonly DateOnly UnitsMerged = new(2025, 7, 1);
    public static readonly DateOnly LandLaw2024 = new(2024, 8, 1);

    public SampleGeography Geography { get; } = new(seed);

    private static readonly (string, double)[] UrbanPurposes =
        [("ODT", 34), ("CLN", 24), ("HNK", 10), ("TMD", 8), ("SKC", 5), ("DGT", 4), ("DGD", 2), ("DYT", 1), ("TSC", 1), ("NTD", 1), ("TON", 1), ("DKV", 1), ("BCS", 1)];
    private static readonly (string, double)[] RuralPurposes =
        [("CLN", 44), ("HNK", 12), ("ONT", 10), ("RSX", 10), ("LUC", 3), ("LUK", 2), ("NTS", 2), ("SKC", 2), ("DGT", 4), ("BCS", 1), ("DCS", 1), ("NTD", 1), ("TIN", 1), ("CNT", 1), ("DDD", 0.5), ("DGD", 1), ("SKN", 1)];

    /// <summary>Everything about parcel i except its geometry.</summary>
    public readonly record struct Facts(
        long Index, SampleGeography.Commune Commune, int Sheet, int ParcelNo, int CellX, int CellY, int LocalIndex,
        DateOnly RegisteredOn, string MainPurpose, string? SecondPurpose, string UserType, bool HasSpouse,
        bool HasCertificate, bool HasMortgage)
    {
        public long Id => Index + 1;
        public bool RegisteredAfterMerge => RegisteredOn >= UnitsMerged;
        public bool Individual => UserType is "GDC" or "CNV";
        public bool ManagedByCommune => UserType == "UBQ";
    }

    public Facts Describe(long i)
    {
        var (commune, sheet, parcelNo, cx, cy, local) = SampleGeography.Locate(i);
        var r = new SampleRandom(seed, i, 10);
        var span = LastRegistration.DayNumber - FirstRegistration.DayNumber;
        var registered = DateOnly.FromDayNumber(FirstRegistration.DayNumber + r.Next(span + 1));
        var main = r.Weighted<string>(commune.DistrictCode == "689" ? UrbanPurposes : RuralPurposes);
        // A code is used only while it is valid: before the 2024 list, DDD was DDT and CNT did not exist.
        if (registered < LandLaw2024)
        {
            main = main switch { "DDD" => "DDT", "CNT" => "HNK", _ => main };
        }
        string? second = main switch
        {
            "ONT" or "ODT" when r.Chance(0.5) => "CLN",
            "CLN" when r.Chance(0.2) => commune.DistrictCode == "689" ? "ODT" : "ONT",
            _ => null,
        };
        var userType = main switch
        {
            "SKC" or "TMD" or "SKN" => r.Chance(0.8) ? "TKT" : "TVN",
            "TSC" => "TCN",
            "DGD" or "DYT" => "TSN",
            "TON" => "TTG",
            "TIN" or "DKV" => "CDS",
            "DGT" or "NTD" or "BCS" or "DCS" or "DDT" or "DDD" => "UBQ",
            _ => registered < LandLaw2024 ? "GDC" : "CNV",
        };
        var individual = userType is "GDC" or "CNV";
        var certificate = userType != "UBQ" && r.Chance(0.9);
        return new Facts(i, commune, sheet, parcelNo, cx, cy, local, registered, main, second, userType,
            HasSpouse: individual && r.Chance(0.3), HasCertificate: certificate, HasMortgage: certificate && r.Chance(0.12));
    }

    public IEnumerable<ParcelRow> Parcels()
    {
        for (long i = 0; i < parcels; i++)
        {
            var f = Describe(i);
            var r = new SampleRandom(seed, i, 11);
            var geometry = Geography.Parcel(f.CellX, f.CellY);
            var area = Math.Round((decimal)geometry.Area, 1);
            decimal? legal = r.Chance(0.1) ? null : Math.Round(area * (decimal)(1 + (r.NextDouble() - 0.5) * 0.04), 1);
            var address = $"Ấp {f.LocalIndex % 12 + 1}, {f.Commune.Name}";
            if (f.RegisteredAfterMerge)
            {
                // Registered under the new commune: sheets renumbered per merged quadrant, old numbers kept.
                var newCommune = SampleGeography.NewCommunes[f.Commune.NewIndex];
                yield return new ParcelRow(f.Id, newCommune.Code, 100 + f.Commune.Quadrant * 25 + f.Sheet, f.ParcelNo, area, legal,
                    $"Ấp {f.LocalIndex % 12 + 1}, {newCommune.Name}", f.Commune.Code, f.Sheet, f.ParcelNo, f.RegisteredOn, geometry);
            }
            else
            {
                yield return new ParcelRow(f.Id, f.Commune.Code, f.Sheet, f.ParcelNo, area, legal, address, null, null, null, f.RegisteredOn, geometry);
            }
        }
    }

    public IEnumerable<LandUseRow> LandUses()
    {
        for (long i = 0; i < parcels; i++)
        {
            var f = Describe(i);
            var r = new SampleRandom(seed, i, 12);
            var area = Math.Round((decimal)Geography.Parcel(f.CellX, f.CellY).Area, 1);
            var secondArea = f.SecondPurpose is null ? 0m : Math.Min(Math.Round(area * 0.3m, 1), r.Next(100, 401));
            yield return Use(f, f.MainPurpose, area - secondArea, 2 * i + 1, isMain: true, ref r);
            if (f.SecondPurpose is { } second)
            {
                yield return Use(f, second, secondArea, 2 * i + 2, isMain: false, ref r);
            }
        }
    }

    private static LandUseRow Use(Facts f, string purpose, decimal area, long id, bool isMain, ref SampleRandom r)
    {
        var residential = purpose is "ONT" or "ODT";
        var agricultural = purpose is "CLN" or "HNK" or "LUC" or "LUK" or "RSX" or "NTS" or "CNT";
        var origin = f.UserType switch
        {
            "TKT" or "TVN" => r.Chance(0.6) ? "DT-THN" : "DT-TML",
            "TCN" or "TSN" or "UBQ" or "CDS" or "TTG" => "DG-KTT",
            _ when residential => r.Pick(["DG-CTT", "CNQ", "NCQ"]),
            _ => r.Pick(["CNQ", "NCQ", "DG-KTT"]),
        };
        var longTerm = residential || f.UserType is "TCN" or "TSN" or "UBQ" or "CDS" or "TTG";
        DateOnly? until = longTerm ? null : f.RegisteredOn.AddYears(agricultural ? 50 : 70);
        return new LandUseRow(id, f.Id, purpose, area, longTerm, until, origin, isMain);
    }

    /// <summary>User ids: owner of parcel i = i + 1; spouse = parcels + i + 1; commune managers = 2 * parcels + commune + 1.</summary>
    public long OwnerId(in Facts f) => f.ManagedByCommune ? 2 * parcels + f.Commune.Index + 1 : f.Id;

    public IEnumerable<LandUserRow> LandUsers()
    {
        foreach (var commune in SampleGeography.Communes)
        {
            yield return new LandUserRow(2 * parcels + commune.Index + 1, "UBQ", SampleNames.Organisation("UBQ", commune.Index, commune.Name),
                null, null, null, $"Trụ sở UBND {commune.Name}");
        }
        for (long i = 0; i < parcels; i++)
        {
            var f = Describe(i);
            if (f.ManagedByCommune)
            {
                continue;
            }
            var r = new SampleRandom(seed, i, 13);
            var address = $"Số {r.Next(1, 300)}, Ấp {r.Next(1, 13)}, {f.Commune.Name}"; // a home, not the parcel's location
            if (f.Individual)
            {
                yield return Person(f.Id, f.UserType, female: r.Chance(0.45), address, ref r);
                if (f.HasSpouse)
                {
                    yield return Person(parcels + f.Id, f.UserType, female: r.Chance(0.55), address, ref r);
                }
            }
            else
            {
                var code = SampleNames.EnterpriseCode(ref r);
                yield return new LandUserRow(f.Id, f.UserType, SampleNames.Organisation(f.UserType, f.Id, f.Commune.Name),
                    f.UserType is "TKT" or "TVN" ? "GCNDKDN" : null, f.UserType is "TKT" or "TVN" ? code : null, null, address);
            }
        }
    }

    private static LandUserRow Person(long id, string userType, bool female, string address, ref SampleRandom r)
    {
        var birthYear = r.Next(1940, 2004);
        var name = SampleNames.Person(ref r, female);
        var citizen = r.Chance(0.9);
        return new LandUserRow(id, userType, name, citizen ? "CCCD" : "CMND",
            citizen ? SampleNames.CitizenId(ref r, birthYear, female) : SampleNames.OldIdCard(ref r), birthYear, address);
    }

    public IEnumerable<ParcelUserRow> ParcelUsers()
    {
        for (long i = 0; i < parcels; i++)
        {
            var f = Describe(i);
            if (f.ManagedByCommune)
            {
                yield return new ParcelUserRow(2 * i + 1, f.Id, OwnerId(f), "manager", null);
            }
            else if (f.HasSpouse)
            {
                yield return new ParcelUserRow(2 * i + 1, f.Id, f.Id, "co-owner", 0.5m);
                yield return new ParcelUserRow(2 * i + 2, f.Id, parcels + f.Id, "co-owner", 0.5m);
            }
            else
            {
                yield return new ParcelUserRow(2 * i + 1, f.Id, f.Id, "owner", 1m);
            }
        }
    }

    private static readonly string[] SerialPrefixes = ["B", "C", "D", "E", "G", "H", "K", "L", "M"];

    public IEnumerable<CertificateRow> Certificates()
    {
        for (long i = 0; i < parcels; i++)
        {
            var f = Describe(i);
            if (!f.HasCertificate)
            {
                continue;
            }
            var r = new SampleRandom(seed, i, 14);
            var issued = IssuedOn(f, ref r);
            var era = issued.Year < 2010 ? "A" : issued.Year < 2020 ? "C" : "D";
            var residential = f.MainPurpose is "ONT" or "ODT" || f.SecondPurpose is "ONT" or "ODT";
            yield return new CertificateRow(f.Id, f.Id,
                $"{SerialPrefixes[(int)(i / 1_000_000 % SerialPrefixes.Length)]}{era} {i % 1_000_000:000000}",
                $"CS{f.LocalIndex + 1:00000}", issued, Issuer(issued),
                residential ? "Quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất" : "Quyền sử dụng đất",
                r.Chance(0.03) ? "Một phần thửa đất nằm trong hành lang bảo vệ an toàn đường bộ" : null);
        }
    }

    public IEnumerable<MortgageRow> Mortgages()
    {
        for (long i = 0; i < parcels; i++)
        {
            var f = Describe(i);
            if (!f.HasMortgage)
            {
                continue;
            }
            var r = new SampleRandom(seed, i, 14);
            var issued = IssuedOn(f, ref r);
            var m = new SampleRandom(seed, i, 15);
            var registered = Min(issued.AddDays(m.Next(30, 2000)), LastRegistration);
            DateOnly? released = m.Chance(0.5) ? Min(registered.AddDays(m.Next(180, 1800)), LastRegistration) : null;
            yield return new MortgageRow(f.Id, f.Id, m.Pick(SampleNames.Banks), registered, released == registered ? null : released);
        }
    }

    private static DateOnly IssuedOn(in Facts f, ref SampleRandom r) => Min(f.RegisteredOn.AddDays(r.Next(20, 91)), LastRegistration);

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    // The issuing body follows the 2025 reorganisation (units are data elsewhere; this is sample text).
    private static string Issuer(DateOnly issued) =>
        issued < new DateOnly(2025, 3, 1) ? "Sở Tài nguyên và Môi trường tỉnh Bình Phước"
        : issued < UnitsMerged ? "Sở Nông nghiệp và Môi trường tỉnh Bình Phước"
        : "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai";
}

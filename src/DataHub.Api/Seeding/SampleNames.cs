namespace DataHub.Api.Seeding;

/// <summary>
/// Well-formed, obviously fake people and organisations: every personal name carries "Mẫu"
/// (sample) and every organisation name too, so sample rows are never taken for real ones.
/// </summary>
public static class SampleNames
{
    private static readonly string[] Surnames =
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Điểu", "Thị"];
    private static readonly string[] MaleGiven = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Long", "Minh", "Nam", "Phúc", "Quang", "Sơn", "Thành", "Trung", "Tuấn", "Việt"];
    private static readonly string[] FemaleGiven = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Tuyết", "Yến"];

    public static string Person(ref SampleRandom random, bool female) =>
        $"{random.Pick(Surnames)} {(female ? "Thị" : "Văn")} Mẫu {(female ? random.Pick(FemaleGiven) : random.Pick(MaleGiven))}";

    /// <summary>A 12-digit citizen ID in the CCCD layout: province 070, century/sex digit, birth year, 6 digits.</summary>
    public static string CitizenId(ref SampleRandom random, int birthYear, bool female)
    {
        var century = (birthYear >= 2000 ? 2 : 0) + (female ? 1 : 0);
        return $"070{century}{birthYear % 100:00}{random.Next(1_000_000):000000}";
    }

    public static string OldIdCard(ref SampleRandom random) => $"285{random.Next(1_000_000):000000}";

    public static string EnterpriseCode(ref SampleRandom random) => $"38{random.Next(100_000_000):00000000}";

    public static string Organisation(string userType, long n, string communeName) => userType switch
    {
        "TKT" => $"Công ty TNHH Mẫu {n}",
        "TVN" => $"Công ty TNHH Mẫu Vốn Ngoại {n}",
        "TCN" => $"UBND {communeName}",
        "TSN" => $"Trường Tiểu học Mẫu {n}",
        "TTG" => $"Chùa Mẫu {n}",
        "CDS" => $"Cộng đồng dân cư Ấp Mẫu {n % 12 + 1}",
        "UBQ" => $"UBND {communeName}",
        _ => $"Tổ chức Mẫu {n}",
    };

    public static readonly string[] Banks =
    [
        "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam - Chi nhánh Bình Phước",
        "Ngân hàng TMCP Công Thương Việt Nam - Chi nhánh Bình Phước",
        "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam - Chi nhánh Bình Phước",
        "Ngân hàng TMCP Ngoại thương Việt Nam - Chi nhánh Bình Phước",
        "Ngân hàng Chính sách xã hội - Chi nhánh Bình Phước",
    ];
}

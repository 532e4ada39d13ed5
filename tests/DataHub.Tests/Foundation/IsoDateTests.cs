using System.Globalization;
using DataHub.Api.Infrastructure.Api;

namespace DataHub.Tests.Foundation;

public sealed class IsoDateTests
{
    [Theory]
    [InlineData("2024-02-29")]
    [InlineData("2023-02-29")]
    [InlineData("2021-09-03")]
    [InlineData("0001-01-01")]
    [InlineData("0000-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2024-13-01")]
    [InlineData("2024-00-10")]
    [InlineData("2024-04-31")]
    [InlineData("2024-04-00")]
    [InlineData("2024-1-01")]
    [InlineData("2024-01-1")]
    [InlineData("02024-01-01")]
    [InlineData(" 2024-01-01")]
    [InlineData("2024-01-01 ")]
    [InlineData("2024/01/01")]
    [InlineData("20240101")]
    [InlineData("+024-01-01")]
    [InlineData("２０２４-01-01")]
    [InlineData("2024-01-01T00:00")]
    [InlineData("")]
    public void a_date_is_read_as_the_framework_reads_yyyy_MM_dd_in_the_invariant_culture(string text)
    {
        var expected = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
        Assert.Equal(expected, IsoDate.TryParse(text, out var read));
        Assert.Equal(day, read);
    }
}

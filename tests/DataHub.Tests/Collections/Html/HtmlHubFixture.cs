using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections.Html;

/// <summary>The seeded hub with markup planted where the pages show data: a catalogue description and a parcel's address.</summary>
public sealed class HtmlHubFixture : SeededHubFixture
{
    public const string HostileDescription = """Prices <script>alert("zones")</script> & <b>more</b>""";
    public const string HostileAddress = """<img src="x" id="injected"> & "quoted" address""";

    /// <summary>The parcel carrying <see cref="HostileAddress"/>: the first of the default page.</summary>
    public long HostileParcel { get; private set; }

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        HostileParcel = await ScalarAsync<long>("select min(id) from land.parcels");
        await ExecuteAsWriterAsync($"""
            update catalog.datasets set description_en = '{HostileDescription.Replace("'", "''", StringComparison.Ordinal)}' where id = 'price-zones';
            update land.parcels set address = '{HostileAddress.Replace("'", "''", StringComparison.Ordinal)}' where id = {HostileParcel};
            """);
    }
}

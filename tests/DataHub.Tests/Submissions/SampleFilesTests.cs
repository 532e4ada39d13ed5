using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>The files in samples/submissions are accepted as they are by a hub with the sample data (as after scripts/run).</summary>
public sealed class SampleFilesTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    [Theory]
    [InlineData("parcels", "parcels-small.geojson", 3)]
    [InlineData("land-statistics", "land-statistics-2025.geojson", 2)]
    [InlineData("planning-zones", "planning-zones-2027.geojson", 3)]
    [InlineData("price-zones", "price-zones-2026.geojson", 3)]
    public async Task a_sample_submission_is_applied(string dataset, string file, int records)
    {
        var body = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "samples", "submissions", file));
        var response = await SubmitRequests.PostAsync(hub.CreateClient(), $"/api/v1/datasets/{dataset}/submissions", body);
        var result = await SubmitRequests.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(records, result.GetProperty("inserted").GetInt32());
    }
}

using System.Text.Json;
using DataHub.Api.Deliveries;
using DataHub.Api.Submissions;
using DataHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Tests.Deliveries;

/// <summary>
/// What the hub pushes to the Ministry is a record in the dataset's exchange structure
/// (docs/integrations.md), so a partner may validate it with the published schema. Unset
/// optional fields went out as null, which the structure does not allow.
/// </summary>
public sealed class PushedRecordsTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    [Theory]
    [InlineData("parcels", "select id::text from land.parcels order by id")]
    [InlineData("land-statistics", "select unit_code || ':' || purpose_code || ':' || user_type_code || ':' || year from land.statistics")]
    [InlineData("planning-zones", "select id::text from land.planning_zones")]
    [InlineData("price-zones", "select id::text from land.price_zones")]
    public async Task every_pushed_record_conforms_to_the_exchange_structure_it_is_sent_in(string dataset, string keys)
    {
        var records = hub.Services.GetRequiredService<OutboxRecords>();
        var structures = hub.Services.GetRequiredService<StructureValidator>();
        var all = await hub.ScalarAsync<string[]>($"select array_agg(k) from ({keys}) x(k)");
        Assert.NotEmpty(all!);
        var rendered = await records.ReadAsync(dataset, all!, CancellationToken.None);
        Assert.Equal(all!.Length, rendered.Count);
        var failures = rendered
            .SelectMany(r => structures.Validate(dataset, OutboxRecords.StructureVersion(dataset)!, JsonDocument.Parse(r.Value.Json!).RootElement).Select(p => $"{r.Key} {p.Pointer}: {p.Message}"))
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}

using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

public sealed class PersonalDataTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    [Fact]
    public async Task no_default_shared_response_contains_any_seeded_personal_value()
    {
        var client = hub.CreateClient();
        // Every personal value in the database: names, ID numbers, addresses of land users.
        var personal = new HashSet<string>();
        await using (var command = hub.DataSource.CreateCommand(
            "select full_name, id_number, address from personal.land_users where id_kind is not null"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < 3; i++)
                {
                    if (!reader.IsDBNull(i))
                    {
                        personal.Add(reader.GetString(i));
                    }
                }
            }
        }
        Assert.True(personal.Count > 500);

        var collections = await Ogc.GetJsonAsync(client, "/api/v1/collections");
        var bodies = new List<string> { collections.ToString() };
        foreach (var collection in collections.GetProperty("collections").EnumerateArray())
        {
            var id = collection.GetProperty("id").GetString();
            bodies.Add(await client.GetStringAsync($"/api/v1/collections/{id}"));
            bodies.Add(await client.GetStringAsync($"/api/v1/collections/{id}/queryables"));
            bodies.Add(await client.GetStringAsync($"/api/v1/collections/{id}/items?limit=10000"));
            bodies.Add(await client.GetStringAsync($"/api/v1/collections/{id}/items?limit=10000&f=csv"));
        }
        foreach (var body in bodies)
        {
            // Person names contain "Mẫu" and ID numbers are long digit runs: look for each value itself.
            var leaked = personal.Where(value => value.Length >= 6 && body.Contains(value, StringComparison.Ordinal)).Take(3).ToList();
            Assert.True(leaked.Count == 0, $"personal values leaked: {string.Join(" | ", leaked)}");
        }
    }
}

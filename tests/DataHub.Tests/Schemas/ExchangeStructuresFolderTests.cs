using DataHub.Api.Schemas;

namespace DataHub.Tests.Schemas;

public sealed class ExchangeStructuresFolderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("datahub-schemas-").FullName;

    [Fact]
    public void a_new_version_is_published_by_dropping_its_file_beside_the_old_one()
    {
        Write("parcels/v1.schema.json");
        var structures = new ExchangeStructures(folder);
        Assert.Equal(["v1"], structures.All().Select(s => s.Version));

        Write("parcels/v2.schema.json");
        Write("parcels/v10.schema.json");
        Assert.Equal(["v1", "v2", "v10"], structures.All().Select(s => s.Version));
        Assert.NotNull(structures.Find("parcels", "v2"));
    }

    [Fact]
    public void files_of_other_shapes_and_names_that_could_leave_the_folder_are_never_served()
    {
        Write("parcels/v1.schema.json");
        Write("parcels/draft.schema.json");
        Write("parcels/v1.json");
        Write("Parcels/v1.schema.json");
        Write("common/v1/geometry.schema.json");
        var structures = new ExchangeStructures(folder);

        var all = structures.All();
        Assert.Equal([("parcels", "v1")], all.Where(s => s.Dataset is not null).Select(s => (s.Dataset!, s.Version)));
        Assert.Equal("geometry", Assert.Single(all, s => s.Dataset is null).Name);
        Assert.Null(structures.Find("parcels", "draft"));
        Assert.Null(structures.Find("common", "v1"));
        Assert.Null(structures.Find("..", "v1"));
        Assert.Null(structures.FindShared("v1", "../../parcels/v1"));
        Assert.NotNull(structures.FindShared("v1", "geometry"));
    }

    [Fact]
    public void a_missing_folder_publishes_nothing_instead_of_failing()
    {
        Assert.Empty(new ExchangeStructures(Path.Combine(folder, "absent")).All());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Write(string relative)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{"$schema":"https://json-schema.org/draft/2020-12/schema"}""");
    }
}

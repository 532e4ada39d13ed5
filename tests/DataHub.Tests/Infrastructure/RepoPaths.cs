namespace DataHub.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The checkout's root: the nearest folder above the test binaries holding DataHub.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DataHub.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("DataHub.sln not found above " + AppContext.BaseDirectory);
    }
}

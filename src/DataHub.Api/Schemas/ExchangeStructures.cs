using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DataHub.Api.Schemas;

/// <summary>A JSON Schema file of schemas/json: a dataset's structure, or a shared part (Dataset null).</summary>
public sealed record SchemaFile(string? Dataset, string? Name, string Version, string Path);

/// <summary>
/// The exchange structures shipped beside the binary in schemas/json: &lt;dataset&gt;/v&lt;n&gt;.schema.json,
/// and the parts they share in common/v&lt;n&gt;/&lt;name&gt;.schema.json. The folder is read on every call,
/// so a new version is published by dropping its file there, without a restart.
/// </summary>
public sealed partial class ExchangeStructures(string folder)
{
    public const string Common = "common";
    public const string MediaType = "application/schema+json";
    private const string Suffix = ".schema.json";

    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "schemas", "json");

    // Names come from URLs: only these shapes ever reach the file system, so no path can escape the folder.
    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^v[1-9][0-9]{0,3}$")]
    private static partial Regex VersionPattern();

    public IReadOnlyList<SchemaFile> All()
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }
        var files = new List<SchemaFile>();
        foreach (var dir in Directory.EnumerateDirectories(folder))
        {
            var dataset = Path.GetFileName(dir);
            if (dataset == Common)
            {
                files.AddRange(Directory.EnumerateDirectories(dir).Where(v => VersionPattern().IsMatch(Path.GetFileName(v)))
                    .SelectMany(v => Directory.EnumerateFiles(v, "*" + Suffix)
                        .Select(f => new SchemaFile(null, Path.GetFileName(f)[..^Suffix.Length], Path.GetFileName(v), f)))
                    .Where(s => NamePattern().IsMatch(s.Name!)));
            }
            else if (NamePattern().IsMatch(dataset))
            {
                files.AddRange(Directory.EnumerateFiles(dir, "v*" + Suffix)
                    .Select(f => new SchemaFile(dataset, null, Path.GetFileName(f)[..^Suffix.Length], f))
                    .Where(s => VersionPattern().IsMatch(s.Version)));
            }
        }
        return files.OrderBy(f => f.Dataset ?? "~" + f.Name, StringComparer.Ordinal).ThenBy(f => Number(f.Version)).ToList();
    }

    public SchemaFile? Find(string dataset, string version) =>
        dataset != Common && NamePattern().IsMatch(dataset) && VersionPattern().IsMatch(version)
            && File.Exists(Path.Combine(folder, dataset, version + Suffix))
            ? new SchemaFile(dataset, null, version, Path.Combine(folder, dataset, version + Suffix))
            : null;

    public SchemaFile? FindShared(string version, string name) =>
        NamePattern().IsMatch(name) && VersionPattern().IsMatch(version)
            && File.Exists(Path.Combine(folder, Common, version, name + Suffix))
            ? new SchemaFile(null, name, version, Path.Combine(folder, Common, version, name + Suffix))
            : null;

    /// <summary>The $id and title a schema declares about itself.</summary>
    public static async Task<(string? Id, string? Title)> HeaderAsync(SchemaFile file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file.Path);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        string? Text(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return (Text("$id"), Text("title"));
    }

    private static int Number(string version) => int.Parse(version.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);
}

namespace DataHub.Tests.Infrastructure;

/// <summary>
/// Test classes that run the CLI verbs in-process: their progress bars share one process-wide
/// console (Spectre.Console allows one live display at a time), so these classes run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleVerbs
{
    public const string Name = "CLI verbs with progress bars";
}

using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;

namespace DataHub.Api.Infrastructure.OpenApi;

/// <summary>`openapi --output openapi.yaml`: writes the API description the running code produces.</summary>
public static class OpenApiCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var output = new Option<FileInfo?>("--output", "-o") { Description = "File to write (default: standard output)." };
        var document = new Option<string>("--document") { Description = "Document name.", DefaultValueFactory = _ => "v1" };
        var command = new Command("openapi", "Write the OpenAPI (YAML) description of the API.") { output, document };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var file = result.GetValue(output);
            await using var stream = file is null ? Console.OpenStandardOutput() : file.Create();
            await OpenApiSetup.WriteYamlAsync(app.Services, stream, result.GetRequiredValue(document), cancellationToken);
            return 0;
        });
        return command;
    }
}

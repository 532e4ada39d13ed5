using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace DataHub.Api.Schemas;

/// <summary>A check of one instance against one (sub)schema: the verdict only, no report.</summary>
internal delegate bool Check(JsonElement instance);

/// <summary>
/// A JSON Schema 2020-12 compiled into a tree of plain delegates that gives the same verdict as
/// JsonSchema.Net's Flag evaluation (with formats asserted), several times faster: JsonSchema.Net
/// builds an evaluation context and a result for every keyword of every coordinate pair. It says
/// only valid or not: JsonSchema.Net stays the reference that explains an invalid record
/// (<see cref="SchemaFailures"/>), and a schema using a keyword the compiler does not know is
/// refused, so that its caller falls back to JsonSchema.Net rather than skip a rule.
/// </summary>
public sealed class CompiledSchema
{
    private readonly Check check;

    private CompiledSchema(Check check) => this.check = check;

    public bool IsValid(JsonElement instance) => check(instance);

    /// <summary>
    /// Compiles a schema whose $refs point inside itself or, by absolute $id, into
    /// <paramref name="documentsById"/>. False, with the keyword and where it is, for anything
    /// the compiler cannot give JsonSchema.Net's verdict for.
    /// </summary>
    public static bool TryCompile(JsonElement schema, IReadOnlyDictionary<Uri, JsonElement> documentsById,
        [NotNullWhen(true)] out CompiledSchema? compiled, [NotNullWhen(false)] out string? whyNot)
    {
        try
        {
            compiled = new CompiledSchema(new SchemaCompiler(documentsById).CompileDocument(schema));
            whyNot = null;
            return true;
        }
        catch (NotCompilableException e)
        {
            compiled = null;
            whyNot = e.Message;
            return false;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            // A keyword's value of the wrong kind: JsonSchema.Net refuses to build such a schema too.
            compiled = null;
            whyNot = $"malformed schema: {e.Message}";
            return false;
        }
    }
}

/// <summary>Thrown while compiling only, to give up on the whole schema with the reason.</summary>
internal sealed class NotCompilableException(string message) : Exception(message);

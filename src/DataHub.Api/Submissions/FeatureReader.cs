using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DataHub.Api.Submissions;

/// <summary>The body cannot be read as JSON; Position is the byte offset where reading stopped.</summary>
public sealed class MalformedBodyException(string message, long position) : Exception(message)
{
    public long Position { get; } = position;
}

/// <summary>
/// Reads the records of a submission one at a time from a GeoJSON FeatureCollection, a JSON
/// array or NDJSON (one record per line), holding only the current record in memory, so a
/// batch of a million records costs what a batch of ten does. A FeatureCollection's "crs"
/// member (GeoJSON 2008 style), when it comes before "features", is reported through
/// <see cref="DeclaredCrs"/>.
/// </summary>
public sealed partial class FeatureReader(Stream body, bool ndjson)
{
    private const int InitialBuffer = 64 * 1024;
    private const int MaxRecordBytes = 64 * 1024 * 1024;

    public string? DeclaredCrs { get; private set; }

    public IAsyncEnumerable<JsonElement> ReadAsync(CancellationToken ct) => ndjson ? LinesAsync(ct) : DocumentAsync(ct);

    private async IAsyncEnumerable<JsonElement> LinesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        long line = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new MalformedBodyException($"Line {line} is not valid JSON at byte {e.BytePositionInLine} of the line: {Plain(e)}", line);
            }
            using (document)
            {
                yield return document.RootElement.Clone();
            }
        }
    }

    private async IAsyncEnumerable<JsonElement> DocumentAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            int start = 0, end = 0;      // unread bytes are buffer[start..end)
            long offset = 0;             // absolute position of buffer[0] in the body
            var finished = false;
            var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            // Where we are: 0 = before the root, 1 = in the root object, 2 = in the records array.
            var place = 0;
            var arrayDepth = 0;
            string? property = null;

            while (true)
            {
                var records = new List<JsonElement>();
                var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), finished, state);
                try
                {
                    while (true)
                    {
                        var checkpoint = reader.CurrentState;
                        var consumedBefore = reader.BytesConsumed;
                        if (!reader.Read())
                        {
                            break;
                        }
                        if (place == 2 && reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == arrayDepth)
                        {
                            place = 1;
                        }
                        else if (place == 2)
                        {
                            // A record: take it whole, or wait for more bytes and retry from its start.
                            var recordStart = reader.TokenStartIndex;
                            if (!reader.TrySkip())
                            {
                                reader = Rewind(buffer, start, end, finished, checkpoint, consumedBefore, out state, out var consumed);
                                start += consumed;
                                goto needMore;
                            }
                            var bytes = buffer.AsMemory(start + (int)recordStart, (int)(reader.BytesConsumed - recordStart));
                            using (var document = JsonDocument.Parse(bytes))
                            {
                                records.Add(document.RootElement.Clone());
                            }
                        }
                        else if (place == 0)
                        {
                            if (reader.TokenType == JsonTokenType.StartArray)
                            {
                                place = 2;
                                arrayDepth = reader.CurrentDepth;
                            }
                            else if (reader.TokenType == JsonTokenType.StartObject)
                            {
                                place = 1;
                            }
                            else
                            {
                                throw new MalformedBodyException("The body must be a GeoJSON FeatureCollection, a JSON array of records, or NDJSON.", offset + start);
                            }
                        }
                        else if (place == 1 && reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            property = reader.GetString();
                        }
                        else if (place == 1 && reader.CurrentDepth == 1 && property == "features" && reader.TokenType == JsonTokenType.StartArray)
                        {
                            place = 2;
                            arrayDepth = reader.CurrentDepth;
                        }
                        else if (place == 1 && reader.CurrentDepth == 1 && property == "crs" && reader.TokenType == JsonTokenType.StartObject)
                        {
                            var crsStart = reader.TokenStartIndex;
                            if (!reader.TrySkip())
                            {
                                reader = Rewind(buffer, start, end, finished, checkpoint, consumedBefore, out state, out var consumed);
                                start += consumed;
                                goto needMore;
                            }
                            using (var crs = JsonDocument.Parse(buffer.AsMemory(start + (int)crsStart, (int)(reader.BytesConsumed - crsStart))))
                            {
                                DeclaredCrs = crs.RootElement.TryGetProperty("properties", out var p) && p.TryGetProperty("name", out var n) ? n.GetString() : "";
                            }
                        }
                        else if (place == 1 && reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            // Some other member (bbox, links, ...): not needed.
                            if (!reader.TrySkip())
                            {
                                reader = Rewind(buffer, start, end, finished, checkpoint, consumedBefore, out state, out var consumed);
                                start += consumed;
                                goto needMore;
                            }
                        }
                    }
                    state = reader.CurrentState;
                    start += (int)reader.BytesConsumed;
                }
                catch (JsonException e)
                {
                    throw new MalformedBodyException($"The body is not valid JSON at byte {offset + start + reader.BytesConsumed}: {Plain(e)}", offset + start + reader.BytesConsumed);
                }

            needMore:
                foreach (var record in records)
                {
                    yield return record;
                }
                if (finished)
                {
                    if (place == 0)
                    {
                        throw new MalformedBodyException("The body is empty.", 0);
                    }
                    if (place == 2)
                    {
                        throw new MalformedBodyException($"The body ends before the records array is closed (byte {offset + end}).", offset + end);
                    }
                    yield break;
                }

                // Keep the unread tail, grow when a single record fills the buffer, and read more.
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    offset += start;
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxRecordBytes)
                    {
                        throw new MalformedBodyException($"A single record is larger than {MaxRecordBytes / (1024 * 1024)} MB (at byte {offset}).", offset);
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(end), ct);
                if (read == 0)
                {
                    finished = true;
                }
                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The reader's message ends with its own place ("LineNumber: 0 | BytePositionInLine: 48."),
    // counted from where its buffer began, not from the body's start: the message gives the body's.
    private static string Plain(JsonException e) => LocationSuffix().Replace(e.Message, "");

    [GeneratedRegex(@"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.$")]
    private static partial Regex LocationSuffix();

    private static Utf8JsonReader Rewind(byte[] buffer, int start, int end, bool finished, JsonReaderState checkpoint, long consumedBefore,
        out JsonReaderState state, out int consumed)
    {
        state = checkpoint;
        consumed = (int)consumedBefore;
        return new Utf8JsonReader(buffer.AsSpan(start + consumed, end - start - consumed), finished, state);
    }
}

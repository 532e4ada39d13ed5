using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using DataHub.Api.Infrastructure.Api;

namespace DataHub.Api.Submissions;

public sealed partial class SubmissionService
{
    /// <summary>How far reading got: the records read, and the CRS the first one settled.</summary>
    private sealed class ReadCount
    {
        public int Received;
        public int? Srid;

        /// <summary>What can only be refused once the body has been read to its end.</summary>
        public void CheckEnd(FeatureReader reader)
        {
            if (reader.DeclaredCrs is { } declared && CrsOf(declared) != (Srid ?? CrsOf(declared)))
            {
                throw new SubmissionRefusedException(400, "CRS declared too late", "The \"crs\" member must come before \"features\".");
            }
            if (Received == 0)
            {
                throw new SubmissionRefusedException(400, "No records", "The submission holds no records.");
            }
        }
    }

    /// <summary>
    /// The records of a body that passed their exchange structure, each prepared by <paramref name="prepare"/>
    /// (null: it had problems, reported to <paramref name="problems"/>). Records are read on one task,
    /// checked against the exchange structure and prepared (geometry and all) on one task per core,
    /// while the caller only writes the prepared rows: bounded channels keep memory flat. The order
    /// is not the body's; every record carries its index.
    /// </summary>
    private async IAsyncEnumerable<ValidRecord> RecordsAsync(FeatureReader reader, string dataset, string structure, string? crs,
        Func<ValidRecord, ValidRecord?> prepare, ProblemList problems, ProgressWriter? progress, ReadCount count,
        [EnumeratorCancellation] CancellationToken token)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var read = Channel.CreateBounded<(int Index, JsonElement Feature, int Srid)>(256);
        // Prepared records wait here while the one connection is busy with what the checking
        // threads cannot feed (a chunk's land uses, the end of a chunk's COPY): room for about a
        // chunk (ParcelDirectWrite.ChunkRecords) keeps them checking meanwhile. With 256, the
        // writer of a 100,000-parcel batch then waited 1.5-2 s for records; with 2,048, 0.1 s
        // (docs/performance.md, ingest).
        var valid = Channel.CreateBounded<ValidRecord>(2048);

        async Task ReadAll()
        {
            try
            {
                await foreach (var feature in reader.ReadAsync(stop.Token))
                {
                    var index = count.Received++;
                    if (count.Received > MaxRecords)
                    {
                        throw new SubmissionRefusedException(413, "Too many records",
                            $"A submission may hold at most {MaxRecords:N0} records; split the batch.");
                    }
                    if (progress is not null && count.Received % 1000 == 0)
                    {
                        await progress.ReportAsync(count.Received, stop.Token);
                    }
                    count.Srid ??= CrsOf(reader.DeclaredCrs ?? crs);
                    await read.Writer.WriteAsync((index, feature, count.Srid.Value), stop.Token);
                }
                read.Writer.Complete();
            }
            catch (Exception e)
            {
                read.Writer.Complete(Unwrap(e));
            }
        }

        async Task CheckAll()
        {
            await foreach (var (index, feature, recordSrid) in read.Reader.ReadAllAsync(stop.Token))
            {
                // A NUL (PostgreSQL text cannot hold it) or half a surrogate pair (not text at all):
                // refused here with its place, before the structure check reads the record's strings.
                var failures = RefusedCharacters.PathsIn(feature) is { Count: > 0 } refused ? refused : structures.Validate(dataset, structure, feature);
                if (failures.Count == 0)
                {
                    if (prepare(new ValidRecord(index, feature, recordSrid)) is { } prepared)
                    {
                        await valid.Writer.WriteAsync(prepared, stop.Token);
                    }
                    continue;
                }
                var fid = feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("id", out var f) ? f.ToString() : null;
                foreach (var (location, message) in failures)
                {
                    problems.Add(new SubmissionProblem(index, fid, StructureValidator.Path(location), message));
                }
            }
        }

        var reading = Task.Run(ReadAll, stop.Token);
        var checkers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(CheckAll, stop.Token)).ToArray();
        var checking = Task.WhenAll(checkers).ContinueWith(t => valid.Writer.Complete(Unwrap(t.Exception?.InnerException)), TaskScheduler.Default);
        try
        {
            await foreach (var record in valid.Reader.ReadAllAsync(stop.Token))
            {
                yield return record;
            }
        }
        finally
        {
            // The caller stopped early (or failed): let the reader and checkers end, then surface their fault.
            stop.Cancel();
            await Task.WhenAll(reading, checking).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

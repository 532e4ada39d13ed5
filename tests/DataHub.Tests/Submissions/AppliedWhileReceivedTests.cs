using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Submissions;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Submissions;

/// <summary>
/// The pieces that let a hub apply a large submission while it receives it: the body handed over
/// chunk by chunk and read back from the database past what memory holds (ReceivingBody), and the
/// advisory lock that makes every worker pass over the submission meanwhile. The whole path, over
/// HTTP, is in DirectWriteTests.
/// </summary>
public sealed class AppliedWhileReceivedTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("appliedwhilereceived");
        dataSource = DatabaseSetup.CreateDataSource(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<Guid> WaitingSubmissionAsync(string key)
    {
        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand("""
            insert into submissions.submissions (id, dataset_id, idempotency_key, status, mode, submitted_by, body_sha256)
            values ($1, 'parcels', $2, 'received', 'all-or-nothing', 'test', 'digest')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await command.ExecuteNonQueryAsync();
        return id;
    }

    private async Task<Guid?> ClaimAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        return (await SubmissionStore.ClaimWaitingAsync(connection, transaction, CancellationToken.None))?.Id;
    }

    [Fact]
    public async Task a_worker_passes_over_a_waiting_submission_while_another_session_holds_its_apply_lock()
    {
        var id = await WaitingSubmissionAsync("held");
        await using var holder = await dataSource.OpenConnectionAsync();
        var applying = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(submissions.apply_lock_key($1))", holder, applying))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = id });
            await take.ExecuteNonQueryAsync();
        }

        Assert.Null(await ClaimAsync());

        await applying.RollbackAsync(); // the applying hub gave up, or its connection went with it
        Assert.Equal(id, await ClaimAsync());
    }

    private static byte[] Chunk(int seq, int length) => Enumerable.Range(0, length).Select(i => (byte)(seq * 31 + i)).ToArray();

    // As SubmissionStore.SaveBodyAsync does it: each chunk stored, then handed over.
    private async Task StoreAndOfferAsync(Guid id, ReceivingBody body, int chunks, int length)
    {
        for (var seq = 0; seq < chunks; seq++)
        {
            await using var command = dataSource.CreateCommand("insert into submissions.bodies (submission_id, seq, chunk) values ($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = seq });
            command.Parameters.Add(new NpgsqlParameter { Value = Chunk(seq, length) });
            await command.ExecuteNonQueryAsync();
            body.Offer(Chunk(seq, length));
        }
        body.Ended();
    }

    [Fact]
    public async Task a_reader_that_falls_behind_gets_the_rest_of_the_body_from_the_stored_chunks_once_they_are_committed()
    {
        var id = await WaitingSubmissionAsync("spilled");
        await using var body = new ReceivingBody(dataSource, id);
        var chunks = ReceivingBody.Held + 3;
        await StoreAndOfferAsync(id, body, chunks, 1000);

        var reading = ReadAllAsync(body);
        await Task.Delay(200);
        Assert.False(reading.IsCompleted); // the held chunks are read; the rest waits for the commit
        body.Committed("digest");

        Assert.Equal(Enumerable.Range(0, chunks).SelectMany(seq => Chunk(seq, 1000)).ToArray(), await reading);
    }

    [Fact]
    public async Task a_body_that_was_not_stored_stops_its_reader()
    {
        var id = await WaitingSubmissionAsync("not-stored");
        await using var body = new ReceivingBody(dataSource, id);
        await StoreAndOfferAsync(id, body, ReceivingBody.Held + 1, 10);

        var reading = ReadAllAsync(body);
        body.NotStored(new IOException("the client went away"));

        await Assert.ThrowsAsync<OperationCanceledException>(() => reading);
        await Assert.ThrowsAsync<OperationCanceledException>(() => body.Stored);
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var all = new MemoryStream();
        await body.CopyToAsync(all, 777);
        return all.ToArray();
    }
}

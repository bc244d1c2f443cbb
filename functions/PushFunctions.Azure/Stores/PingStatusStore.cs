using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;

namespace PushFunctions.Azure.Stores;

/// <summary>
/// The Pings table: one partition per envelope. Row "envelope" records the envelope at accept time; row "{index}" is a
/// ping's summary once delivery starts; rows "{index}|{chunk}" hold its recorded device outcomes (many per row: a ping
/// to 30,000 devices writes a few hundred rows, in transactions of 100); rows "~{index}|{device key}" are claims on a
/// device's send, written before the send is made ('~' sorts after every other row key, so no other range of the ping
/// holds them). An envelope too large for one queue message is kept as a blob named by its id in the envelopes
/// container, and the message only names it.
/// </summary>
public sealed class PingStatusStore(TableClient pings, BlobContainerClient envelopes)
{
    private const string EnvelopeRowKey = "envelope";
    private const string ClaimRowPrefix = "~";
    private const string LastAttemptColumn = "LastAttemptAt";
    // A string property holds at most 64 KiB, i.e. 32 K UTF-16 units: stay inside with room to spare.
    private const int MaxChunkChars = 30_000;
    // A transaction's body may be 4 MiB; leave room for the multipart framing.
    private const int MaxTransactionBytes = 3 * 1024 * 1024;

    public TableClient Table => pings;

    /// <summary>The blob container of envelopes that travel by reference.</summary>
    public BlobContainerClient Envelopes => envelopes;

    /// <summary>
    /// Records an envelope as accepted with one entity: the number of pings and their user counts. Until delivery writes
    /// a ping's own summary row, its status is read from here. One entity, not a transaction of one row per ping: a
    /// table write per envelope is what keeps the accept path fast. A <paramref name="body"/> is an envelope that
    /// travels by reference: it is stored first, so a message naming it never arrives before it.
    /// </summary>
    public async Task RecordAcceptedAsync(PingEnvelope envelope, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (body is { } bytes)
        {
            await envelopes.GetBlobClient(envelope.Id).UploadAsync(
                new BinaryData(bytes),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken);
        }

        var entity = new TableEntity(envelope.Id, EnvelopeRowKey)
        {
            ["State"] = nameof(PingState.Queued),
            ["AcceptedAt"] = envelope.Pings.Count > 0 ? envelope.Pings[0].AcceptedAt : DateTimeOffset.UtcNow,
            ["UserCounts"] = string.Join(',', envelope.Pings.Select(p => p.UserIds.Count.ToString(CultureInfo.InvariantCulture))),
        };
        await pings.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The queue refused the envelope after it was recorded: say so, rather than leave its pings "queued" forever.</summary>
    public Task MarkRejectedAsync(PingEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return pings.UpsertEntityAsync(
            new TableEntity(envelope.Id, EnvelopeRowKey) { ["State"] = nameof(PingState.Rejected) },
            TableUpdateMode.Merge,
            cancellationToken);
    }

    /// <summary>The envelope a queue message carries, or names when it was too large for one message.</summary>
    /// <exception cref="MalformedEnvelopeException">The message, or the stored body, is not an envelope, or the stored body is gone.</exception>
    public async Task<PingEnvelope> ReadEnvelopeAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var envelope = PingEnvelopeJson.Deserialize(message.Span);
        if (!envelope.Stored)
        {
            return envelope;
        }

        try
        {
            var stored = await envelopes.GetBlobClient(envelope.Id).DownloadContentAsync(cancellationToken);
            return PingEnvelopeJson.Deserialize(stored.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Past its retention, or never stored: no attempt will ever find it.
            throw new MalformedEnvelopeException("the stored envelope body is gone");
        }
    }

    /// <summary>
    /// Marks the ping as being delivered (one more attempt, and when it began: a retry message sent after it is what
    /// carries the ping from then on) and returns the outcomes earlier attempts recorded.
    /// </summary>
    public async Task<IReadOnlyList<DeviceOutcome>> BeginDeliveryAsync(PingId id, Ping ping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ping);
        var summary = await pings.GetEntityIfExistsAsync<TableEntity>(id.EnvelopeId, SummaryRowKey(id.Index), cancellationToken: cancellationToken);
        var attempts = summary.HasValue ? summary.Value!.GetInt32("Attempts") ?? 0 : 0;
        await pings.UpsertEntityAsync(
            new TableEntity(id.EnvelopeId, SummaryRowKey(id.Index))
            {
                ["State"] = nameof(PingState.Delivering),
                ["AcceptedAt"] = ping.AcceptedAt,
                ["UserCount"] = ping.UserIds.Count,
                ["Attempts"] = attempts + 1,
                [LastAttemptColumn] = DateTimeOffset.UtcNow,
            },
            TableUpdateMode.Merge,
            cancellationToken);
        return await ReadOutcomesAsync(id, cancellationToken);
    }

    public async Task RecordOutcomesAsync(PingId id, IReadOnlyList<DeviceOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var rows = new List<(TableEntity Row, int Bytes)>();
        var chunk = new StringBuilder("[");
        foreach (var json in outcomes.Select(OutcomeJson.Serialize))
        {
            if (chunk.Length > 1 && chunk.Length + json.Length + 1 > MaxChunkChars)
            {
                rows.Add(ChunkRow(id, chunk.Append(']').ToString()));
                chunk.Clear().Append('[');
            }

            chunk.Append(chunk.Length > 1 ? "," : string.Empty).Append(json);
        }

        if (chunk.Length > 1)
        {
            rows.Add(ChunkRow(id, chunk.Append(']').ToString()));
        }

        if (rows.Count == 0)
        {
            return;
        }

        if (rows.Count == 1)
        {
            // One row needs no transaction, and a plain insert is several times cheaper (markedly so on Azurite).
            await pings.AddEntityAsync(rows[0].Row, cancellationToken);
            return;
        }

        // A transaction holds at most 100 entities and 4 MiB.
        var batch = new List<TableTransactionAction>();
        var batchBytes = 0;
        foreach (var (row, bytes) in rows)
        {
            if (batch.Count == TableTransactions.MaxEntities || (batch.Count > 0 && batchBytes + bytes > MaxTransactionBytes))
            {
                await pings.SubmitTransactionAsync(batch, cancellationToken);
                batch = [];
                batchBytes = 0;
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            batchBytes += bytes;
        }

        await pings.SubmitTransactionAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Claims the sends of <paramref name="keys"/> (device outcome keys) before they are made, so that two deliveries of
    /// the same ping (a redelivered message while the first is still running) never both send a device. A claim is a
    /// row inserted, or taken over with its ETag once it has lapsed (its holder died); a device whose claim another
    /// delivery holds, or wins meanwhile, is left out. Claims are written 100 to a transaction.
    /// </summary>
    /// <returns>The claims this delivery now holds.</returns>
    public async Task<IReadOnlyList<SendClaim>> ClaimSendsAsync(PingId id, IReadOnlyList<string> keys, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var claimed = await Task.WhenAll(keys.Chunk(TableTransactions.MaxEntities).Select(chunk => ClaimChunkAsync(id, chunk, lifetime, cancellationToken)));
        return claimed.SelectMany(c => c).ToList();
    }

    /// <summary>Gives claims back unsent (the channel could not take them now, or delivery stopped), so the next attempt need not wait for them to lapse.</summary>
    public async Task ReleaseClaimsAsync(PingId id, IReadOnlyList<SendClaim> claims, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var chunk in claims.Chunk(TableTransactions.MaxEntities))
        {
            try
            {
                await pings.SubmitTransactionAsync(
                    chunk.Select(c => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id.EnvelopeId, ClaimRowKey(id.Index, c.Key)), c.ETag)),
                    cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Taken over by another delivery after it lapsed: it is that delivery's now.
            }
        }
    }

    private async Task<IReadOnlyList<SendClaim>> ClaimChunkAsync(PingId id, string[] keys, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        try
        {
            return await SubmitClaimsAsync(id, keys.Select(k => (k, (ETag?)null)).ToList(), lifetime, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Some are claimed already: by an attempt that died (lapsed claims are taken over) or by one still running.
        }

        var held = await ReadClaimsAsync(id, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var free = keys
            .Where(k => !held.TryGetValue(k, out var claim) || claim.Until <= now)
            .Select(k => (k, held.TryGetValue(k, out var claim) ? claim.ETag : (ETag?)null))
            .ToList();
        if (free.Count == 0)
        {
            return [];
        }

        try
        {
            return await SubmitClaimsAsync(id, free, lifetime, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another delivery claimed some of them meanwhile: leave the lot to the next attempt.
            return [];
        }
    }

    private async Task<IReadOnlyList<SendClaim>> SubmitClaimsAsync(PingId id, List<(string Key, ETag? Lapsed)> claims, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + lifetime;
        var actions = claims.Select(c =>
        {
            var row = new TableEntity(id.EnvelopeId, ClaimRowKey(id.Index, c.Key)) { ["ClaimedUntil"] = until };
            return c.Lapsed is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, row);
        });
        var responses = (await pings.SubmitTransactionAsync(actions, cancellationToken)).Value;
        return claims.Select((c, i) => new SendClaim(c.Key, responses[i].Headers.ETag ?? throw new RequestFailedException("The Table service answered a claim without an ETag."))).ToList();
    }

    private async Task<Dictionary<string, (ETag ETag, DateTimeOffset Until)>> ReadClaimsAsync(PingId id, CancellationToken cancellationToken)
    {
        var prefix = ClaimRowKey(id.Index, string.Empty);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id.EnvelopeId} and RowKey gt {prefix} and RowKey lt {ClaimRowPrefix + SummaryRowKey(id.Index) + "}"}");
        var claims = new Dictionary<string, (ETag, DateTimeOffset)>(StringComparer.Ordinal);
        await foreach (var row in pings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            claims[row.RowKey[prefix.Length..]] = (row.ETag, row.GetDateTimeOffset("ClaimedUntil") ?? DateTimeOffset.MinValue);
        }

        return claims;
    }

    private static string ClaimRowKey(int index, string key) => ClaimRowPrefix + SummaryRowKey(index) + "|" + key;

    public Task CompleteAsync(PingId id, CancellationToken cancellationToken = default) =>
        SetStateAsync(id, PingState.Done, error: null, cancellationToken);

    /// <summary>This attempt left devices to a later one (their channel was unavailable, or another delivery held them): the error says which and why.</summary>
    public Task MarkWaitingAsync(PingId id, string reason, CancellationToken cancellationToken = default) =>
        SetStateAsync(id, PingState.Delivering, reason, cancellationToken);

    /// <summary>The queue gave up on the ping (poison queue or dead-letter queue): the status must say so.</summary>
    public Task MarkFailedAsync(PingId id, string error, CancellationToken cancellationToken = default) =>
        SetStateAsync(id, PingState.Failed, error, cancellationToken);

    public async Task<PingStatus?> GetAsync(PingId id, CancellationToken cancellationToken = default)
    {
        var summary = await pings.GetEntityIfExistsAsync<TableEntity>(id.EnvelopeId, SummaryRowKey(id.Index), cancellationToken: cancellationToken);
        if (summary.HasValue)
        {
            return FromSummary(id, summary.Value!, await ReadOutcomesAsync(id, cancellationToken));
        }

        return await GetUndeliveredAsync(id, cancellationToken);
    }

    /// <summary>
    /// The ping's status with at most <paramref name="pageSize"/> of its devices, from <paramref name="after"/> on (or
    /// the first), and counts over all of them. One query reads the ping's outcome rows in key order: the counts need
    /// every row, but only the page's outcomes are kept, so a ping to any number of devices is answered in bounded memory.
    /// </summary>
    public async Task<PingStatusPage?> GetPageAsync(PingId id, OutcomeCursor? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var summary = await pings.GetEntityIfExistsAsync<TableEntity>(id.EnvelopeId, SummaryRowKey(id.Index), cancellationToken: cancellationToken);
        if (!summary.HasValue)
        {
            return await GetUndeliveredAsync(id, cancellationToken) is { } undelivered ? new PingStatusPage(undelivered, default, null) : null;
        }

        var counts = default(OutcomeCounts);
        var page = new List<DeviceOutcome>();
        OutcomeCursor? next = null;
        await foreach (var row in pings.QueryAsync<TableEntity>(OutcomeRowsFilter(id), cancellationToken: cancellationToken))
        {
            var rowId = row.RowKey[(row.RowKey.IndexOf('|', StringComparison.Ordinal) + 1)..];
            var order = after is { } cursor ? string.CompareOrdinal(rowId, cursor.Row) : 1;
            var position = 0;
            foreach (var outcome in OutcomeJson.Deserialize(row.GetString("Outcomes") ?? "[]"))
            {
                counts = counts.Add(outcome.Status);
                if (order > 0 || (order == 0 && position >= after!.Value.Position))
                {
                    if (page.Count < pageSize)
                    {
                        page.Add(outcome);
                    }
                    else
                    {
                        next ??= new OutcomeCursor(rowId, position);
                    }
                }

                position++;
            }
        }

        return new PingStatusPage(FromSummary(id, summary.Value!, page), counts, next?.ToString());
    }

    /// <summary>
    /// Removes what is past its retention, oldest first: every envelope partition created before
    /// <paramref name="finishedBefore"/> whose pings are all finished (done, failed or rejected), every one created
    /// and last attempted before <paramref name="anyBefore"/> whatever its state (no queue message can carry it any
    /// more: a retry is a new message, whose lifetime begins after the attempt that sent it), and each removed
    /// envelope's stored body, before its rows, so a body is never left without the rows that lead to it. Envelope ids
    /// are version-7 GUIDs, so "created before" is a partition key range. Rows go in transactions of at most 100 per
    /// partition. A pass reads at most <paramref name="maxRows"/> rows (finishing the partition it is in) and says
    /// whether it got to the end. Two passes may run at once: every delete tolerates a row or blob already gone.
    /// </summary>
    public async Task<ExpiryPass> ExpireAsync(DateTimeOffset finishedBefore, DateTimeOffset anyBefore, int maxRows, CancellationToken cancellationToken = default)
    {
        if (anyBefore > finishedBefore)
        {
            throw new ArgumentOutOfRangeException(nameof(anyBefore), "Unfinished pings cannot expire before finished ones.");
        }

        var anyBound = EnvelopeIdBound(anyBefore);
        var pass = new ExpiryPass(0, 0, 0, 0, Finished: true);
        // Kept although created before anyBefore: a delivery attempt since then may have sent a retry message.
        var keptOld = new HashSet<string>(StringComparer.Ordinal);
        var rowsRead = 0;
        var partition = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {EnvelopeIdBound(finishedBefore)}");
        // The columns that say whether a ping is finished; not the outcomes nor envelope bodies.
        string[] columns = ["PartitionKey", "RowKey", "State", "UserCounts", LastAttemptColumn];
        await foreach (var row in pings.QueryAsync<TableEntity>(filter, select: columns, cancellationToken: cancellationToken))
        {
            if (partition.Count > 0 && partition[0].PartitionKey != row.PartitionKey)
            {
                pass = await ExpirePartitionAsync(partition, anyBefore, keptOld, pass, cancellationToken);
                partition.Clear();
                if (rowsRead >= maxRows)
                {
                    return pass with { Finished = false };
                }
            }

            partition.Add(row);
            rowsRead++;
        }

        if (partition.Count > 0)
        {
            pass = await ExpirePartitionAsync(partition, anyBefore, keptOld, pass, cancellationToken);
        }

        // Bodies whose envelope record was never written (the accept failed after the upload), once no message can name them.
        await foreach (var blob in envelopes.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (string.CompareOrdinal(blob.Name, anyBound) >= 0)
            {
                break;
            }

            if (!keptOld.Contains(blob.Name) && await DeleteBodyAsync(blob.Name, cancellationToken))
            {
                pass = pass with { BlobsRemoved = pass.BlobsRemoved + 1 };
            }
        }

        return pass;
    }

    private async Task<ExpiryPass> ExpirePartitionAsync(
        List<TableEntity> rows, DateTimeOffset anyBefore, HashSet<string> keptOld, ExpiryPass pass, CancellationToken cancellationToken)
    {
        var envelopeId = rows[0].PartitionKey;
        var createdSince = string.CompareOrdinal(envelopeId, EnvelopeIdBound(anyBefore)) >= 0;
        var attemptedSince = rows.Any(r => r.GetDateTimeOffset(LastAttemptColumn) >= anyBefore);
        if ((createdSince || attemptedSince) && FromPartition(rows).Any(s => s.State is PingState.Queued or PingState.Delivering))
        {
            if (!createdSince)
            {
                keptOld.Add(envelopeId);
            }

            return pass with { EnvelopesKept = pass.EnvelopesKept + 1 };
        }

        var blobRemoved = await DeleteBodyAsync(envelopeId, cancellationToken);
        await pings.DeleteRowsAsync(rows, cancellationToken);

        return pass with
        {
            EnvelopesRemoved = pass.EnvelopesRemoved + 1,
            RowsRemoved = pass.RowsRemoved + rows.Count,
            BlobsRemoved = pass.BlobsRemoved + (blobRemoved ? 1 : 0),
        };
    }

    private async Task<bool> DeleteBodyAsync(string envelopeId, CancellationToken cancellationToken) =>
        (await envelopes.GetBlobClient(envelopeId).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;

    /// <summary>The status of a ping not delivered yet, from its envelope's record; null when there is no such ping.</summary>
    private async Task<PingStatus?> GetUndeliveredAsync(PingId id, CancellationToken cancellationToken)
    {
        var envelope = await pings.GetEntityIfExistsAsync<TableEntity>(id.EnvelopeId, EnvelopeRowKey, ["State", "AcceptedAt", "UserCounts"], cancellationToken);
        return envelope.HasValue ? FromEnvelope(id, envelope.Value!) : null;
    }

    /// <summary>
    /// Every ping of the envelopes created in [<paramref name="from"/>, <paramref name="to"/>), with its outcomes, in
    /// envelope then ping order (oldest first). Envelope ids are version-7 GUIDs, which begin with their creation time
    /// in milliseconds, so the time range is a partition key range: one query, whatever the table holds besides.
    /// </summary>
    public async Task<IReadOnlyList<PingStatus>> ListAcceptedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {EnvelopeIdBound(from)} and PartitionKey lt {EnvelopeIdBound(to)} and RowKey lt {ClaimRowPrefix}");
        // Not the envelope bodies some envelope rows carry. The keys are named too: a selection returns only what it names.
        string[] columns = ["PartitionKey", "RowKey", "State", "AcceptedAt", "UserCount", "UserCounts", "Attempts", "Error", "Outcomes"];
        var statuses = new List<PingStatus>();
        var partition = new List<TableEntity>();
        await foreach (var row in pings.QueryAsync<TableEntity>(filter, select: columns, cancellationToken: cancellationToken))
        {
            if (partition.Count > 0 && partition[0].PartitionKey != row.PartitionKey)
            {
                statuses.AddRange(FromPartition(partition));
                partition.Clear();
            }

            partition.Add(row);
        }

        statuses.AddRange(FromPartition(partition));
        return statuses;
    }

    /// <summary>When the envelope that carried the ping was created (its id is a version-7 GUID).</summary>
    public static DateTimeOffset CreatedAt(PingId id) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(id.EnvelopeId.AsSpan(0, 12), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));

    /// <summary>The smallest envelope id created at <paramref name="time"/>: 48 bits of Unix milliseconds, then zeros.</summary>
    private static string EnvelopeIdBound(DateTimeOffset time) =>
        time.ToUnixTimeMilliseconds().ToString("x12", CultureInfo.InvariantCulture) + new string('0', 20);

    private static List<PingStatus> FromPartition(List<TableEntity> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var envelopeId = rows[0].PartitionKey;
        var envelope = rows.FirstOrDefault(r => r.RowKey == EnvelopeRowKey);
        var summaries = rows.Where(r => r.RowKey.Length == 3).ToDictionary(r => int.Parse(r.RowKey, NumberStyles.None, CultureInfo.InvariantCulture));
        var outcomes = rows.Where(r => r.RowKey.Length > 4 && r.RowKey[3] == '|').ToLookup(r => r.RowKey[..3], r => r.GetString("Outcomes") ?? "[]", StringComparer.Ordinal);
        var recorded = envelope is null ? 0 : UserCounts(envelope).Length;
        var statuses = new List<PingStatus>();
        foreach (var index in Enumerable.Range(0, recorded).Union(summaries.Keys).Order())
        {
            var id = new PingId(envelopeId, index);
            var status = summaries.TryGetValue(index, out var summary)
                ? FromSummary(id, summary, outcomes[SummaryRowKey(index)].SelectMany(OutcomeJson.Deserialize).ToList())
                : FromEnvelope(id, envelope!);
            if (status is not null)
            {
                statuses.Add(status);
            }
        }

        return statuses;
    }

    private static PingStatus FromSummary(PingId id, TableEntity summary, IReadOnlyList<DeviceOutcome> outcomes) =>
        new(
            id.ToString(),
            ParseState(summary.GetString("State")),
            summary.GetDateTimeOffset("AcceptedAt") ?? summary.Timestamp ?? DateTimeOffset.MinValue,
            summary.GetInt32("UserCount") ?? 0,
            summary.GetInt32("Attempts") ?? 0,
            summary.GetString("Error"),
            outcomes);

    private static PingStatus? FromEnvelope(PingId id, TableEntity record)
    {
        var userCounts = UserCounts(record);
        if (id.Index >= userCounts.Length || !int.TryParse(userCounts[id.Index], NumberStyles.None, CultureInfo.InvariantCulture, out var users))
        {
            return null;
        }

        var state = ParseState(record.GetString("State"));
        return new PingStatus(
            id.ToString(),
            state,
            record.GetDateTimeOffset("AcceptedAt") ?? DateTimeOffset.MinValue,
            users,
            Attempts: 0,
            state == PingState.Rejected ? "the queue could not take the ping; the caller was answered 503" : null,
            []);
    }

    private static string[] UserCounts(TableEntity envelope) => (envelope.GetString("UserCounts") ?? string.Empty).Split(',');

    private static PingState ParseState(string? state) => Enum.TryParse<PingState>(state, out var parsed) ? parsed : PingState.Queued;

    private async Task<IReadOnlyList<DeviceOutcome>> ReadOutcomesAsync(PingId id, CancellationToken cancellationToken)
    {
        var outcomes = new List<DeviceOutcome>();
        await foreach (var row in pings.QueryAsync<TableEntity>(OutcomeRowsFilter(id), cancellationToken: cancellationToken))
        {
            outcomes.AddRange(OutcomeJson.Deserialize(row.GetString("Outcomes") ?? "[]"));
        }

        return outcomes;
    }

    /// <summary>The ping's outcome rows, "{index}|{row}": '}' follows '|' in ordinal order, so the range holds exactly them.</summary>
    private static string OutcomeRowsFilter(PingId id) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {id.EnvelopeId} and RowKey gt {SummaryRowKey(id.Index) + "|"} and RowKey lt {SummaryRowKey(id.Index) + "}"}");

    private async Task SetStateAsync(PingId id, PingState state, string? error, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(id.EnvelopeId, SummaryRowKey(id.Index))
        {
            ["State"] = state.ToString(),
            ["Error"] = error,
        };
        await pings.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    private static (TableEntity Row, int Bytes) ChunkRow(PingId id, string outcomesJson) =>
        (new TableEntity(id.EnvelopeId, SummaryRowKey(id.Index) + "|" + Guid.CreateVersion7().ToString("N")) { ["Outcomes"] = outcomesJson },
         // On the wire the JSON text is itself a JSON string: escaping its quotes can double it.
         (2 * Encoding.UTF8.GetByteCount(outcomesJson)) + 512);

    private static string SummaryRowKey(int index) => index.ToString("D3", CultureInfo.InvariantCulture);
}

using System.Globalization;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;

namespace PushFunctions.IntegrationTests.Storage;

/// <summary>
/// Pings written through the store's own calls, in the order delivery makes them (accept, begin, record outcomes in
/// several groups as the channels do, complete), accepted at any time: the envelope id is a version-7 GUID of that time.
/// </summary>
internal static class SeededPings
{
    /// <summary>Outcomes recorded per call, as one channel's sends are.</summary>
    private const int OutcomesPerRecord = 2_500;

    /// <summary>Device n's outcome: every tenth skipped, every tenth after it failed, the rest sent.</summary>
    public static OutcomeStatus StatusOf(int device) => (device % 10) switch
    {
        0 => OutcomeStatus.Skipped,
        1 => OutcomeStatus.Failed,
        _ => OutcomeStatus.Sent,
    };

    /// <summary>A client id of the gateway's form (32 hex digits) for device n.</summary>
    public static string ClientId(int device) => device.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>An envelope of one ping accepted at <paramref name="acceptedAt"/>, left in <paramref name="state"/>.</summary>
    /// <param name="stored">Kept as a blob, as an envelope too large for a queue message is.</param>
    public static async Task<PingId> SeedAsync(PingStatusStore store, DateTimeOffset acceptedAt, PingState state, int devices = 3, bool stored = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        var id = new PingId(Guid.CreateVersion7(acceptedAt).ToString("N"), 0);
        var ping = new Ping(id.ToString(), ["seeded-user"], new Notification("seeded", null, null, null, []), acceptedAt);
        var envelope = new PingEnvelope(id.EnvelopeId, [ping]);
        await store.RecordAcceptedAsync(envelope, stored ? (ReadOnlyMemory<byte>?)PingEnvelopeJson.Serialize(envelope) : null);
        switch (state)
        {
            case PingState.Queued:
                return id;
            case PingState.Rejected:
                await store.MarkRejectedAsync(envelope);
                return id;
        }

        await store.BeginDeliveryAsync(id, ping);
        // Delivery began when the ping was accepted, as far as expiry can tell.
        await SetLastAttemptAsync(store, id, acceptedAt);
        foreach (var group in Enumerable.Range(0, devices).Chunk(OutcomesPerRecord))
        {
            await store.RecordOutcomesAsync(id, group.Select(n => new DeviceOutcome(
                DeviceOutcome.ClientKey(ClientId(n)), "seeded-user", ClientId(n), Platform.Apple, StatusOf(n), StatusOf(n) == OutcomeStatus.Sent ? null : "seeded reason")).ToList());
        }

        if (state == PingState.Done)
        {
            await store.CompleteAsync(id);
        }
        else if (state == PingState.Failed)
        {
            await store.MarkFailedAsync(id, "seeded failure");
        }

        return id;
    }

    /// <summary>Dates the ping's latest delivery attempt, which the summary row records when an attempt begins.</summary>
    public static async Task SetLastAttemptAsync(PingStatusStore store, PingId id, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.Table.UpsertEntityAsync(
            new TableEntity(id.EnvelopeId, id.Index.ToString("D3", CultureInfo.InvariantCulture)) { ["LastAttemptAt"] = at }, TableUpdateMode.Merge);
    }

    /// <summary>The rows the envelope's partition holds.</summary>
    public static async Task<int> RowCountAsync(PingStatusStore store, PingId id)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rows = 0;
        await foreach (var _ in store.Table.QueryAsync<TableEntity>(e => e.PartitionKey == id.EnvelopeId, select: ["RowKey"]))
        {
            rows++;
        }

        return rows;
    }

    public static async Task<bool> BodyExistsAsync(PingStatusStore store, string envelopeId)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.Envelopes.GetBlobClient(envelopeId).ExistsAsync()).Value;
    }
}

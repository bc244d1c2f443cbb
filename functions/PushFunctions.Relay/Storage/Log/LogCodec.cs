using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace PushFunctions.Relay.Storage.Log;

/// <summary>
/// How log records are laid out: each record as a few bytes (kind, instance id, then its fields, numbers 7-bit encoded,
/// strings length-prefixed UTF-8), the records of one entity concatenated and split over binary properties <c>Log</c>,
/// <c>Log1</c>, … of at most 64 KiB each (the service's limit for a binary property), at most 11 of them so that an entity
/// stays under 1 MiB both as Azure counts it (a binary property by its bytes) and as Azurite does (the request's JSON, in
/// which binary is base64, a third larger: 15 properties, the most Azure takes, are refused there as EntityTooLarge).
/// </summary>
public static class LogCodec
{
    public const int MaxPropertyBytes = 64 * 1024;
    public const int MaxPayloadBytes = MaxPropertyBytes * 11;

    /// <summary>
    /// The largest message body the relay takes (<c>Relay:MaxMessageBytes</c>): a message is written in one entity, its
    /// data with the record's ids and names (up to 4 KiB) beside it.
    /// </summary>
    public const int MaxMessageBytes = MaxPayloadBytes - (4 * 1024);

    public const string CheckpointProperty = "Checkpoint";
    public const string AsOfProperty = "AsOf";
    public const string PartsProperty = "Parts";

    private const string PayloadProperty = "Log";
    private const int SequenceDigits = 19;

    /// <summary>The records one after the other, as an entity's payload.</summary>
    public static byte[] Encode(IEnumerable<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var record in records)
            {
                Write(writer, record);
            }
        }

        return payload.ToArray();
    }

    /// <summary>At least what <see cref="Encode"/> takes for the record (UTF-8 takes at most three bytes per UTF-16 unit).</summary>
    public static int MaxEncodedBytes(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        const int numbers = 32;
        var text = record.InstanceId.Length + (record.Message is { } message ? message.AppName.Length + (message.CollapseId?.Length ?? 0) : 0);
        return numbers + (3 * text) + (record.Message?.Data.Length ?? 0) + (10 * record.RemovedIds.Count);
    }

    private static void Write(BinaryWriter writer, LogRecord record)
    {
        writer.Write((byte)record.Kind);
        writer.Write(record.InstanceId);
        switch (record.Kind)
        {
            case LogRecordKind.Message:
                var message = record.Message!;
                writer.Write7BitEncodedInt64(message.Id);
                writer.Write(message.AppName);
                writer.Write(message.CollapseId is not null);
                if (message.CollapseId is not null)
                {
                    writer.Write(message.CollapseId);
                }

                writer.Write(message.Enqueued.UtcTicks);
                writer.Write7BitEncodedInt(message.Data.Length);
                writer.Write(message.Data);
                break;
            case LogRecordKind.Removal:
                writer.Write7BitEncodedInt64(record.LastIssuedId);
                writer.Write7BitEncodedInt(record.RemovedIds.Count);
                foreach (var id in record.RemovedIds)
                {
                    writer.Write7BitEncodedInt64(id);
                }

                break;
            case LogRecordKind.InstanceDeleted:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "unknown log record kind");
        }
    }

    /// <summary>The records of a payload, in the order they were written.</summary>
    public static IEnumerable<LogRecord> Read(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            yield return ReadRecord(reader);
        }
    }

    public static string RowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    public static long Sequence(string rowKey) =>
        rowKey.Length == SequenceDigits && long.TryParse(rowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : -1;

    /// <summary>An entity holding <paramref name="payload"/> (at most <see cref="MaxPayloadBytes"/>) under its sequence number.</summary>
    public static TableEntity ToEntity(string partitionKey, long sequence, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var entity = new TableEntity(partitionKey, RowKey(sequence));
        if (payload.Length <= MaxPropertyBytes)
        {
            entity[PayloadProperty] = payload;
            return entity;
        }

        for (var (offset, part) = (0, 0); offset < payload.Length || part == 0; offset += MaxPropertyBytes, part++)
        {
            entity[PayloadProperty + (part == 0 ? "" : part.ToString(CultureInfo.InvariantCulture))] =
                payload.AsSpan(offset, Math.Min(MaxPropertyBytes, payload.Length - offset)).ToArray();
        }

        return entity;
    }

    public static byte[] ReadPayload(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var payload = new MemoryStream();
        for (var part = 0; entity.GetBinary(PayloadProperty + (part == 0 ? "" : part.ToString(CultureInfo.InvariantCulture))) is { } bytes; part++)
        {
            payload.Write(bytes);
        }

        return payload.ToArray();
    }

    private static LogRecord ReadRecord(BinaryReader reader)
    {
        var kind = (LogRecordKind)reader.ReadByte();
        var instanceId = reader.ReadString();
        switch (kind)
        {
            case LogRecordKind.Message:
                var id = reader.Read7BitEncodedInt64();
                var appName = reader.ReadString();
                var collapseId = reader.ReadBoolean() ? reader.ReadString() : null;
                var enqueued = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                var data = reader.ReadBytes(reader.Read7BitEncodedInt());
                return LogRecord.Queued(new StoredMessage(instanceId, id, appName, collapseId, data, enqueued));
            case LogRecordKind.Removal:
                var lastIssuedId = reader.Read7BitEncodedInt64();
                var ids = new long[reader.Read7BitEncodedInt()];
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = reader.Read7BitEncodedInt64();
                }

                return LogRecord.Removed(instanceId, ids, lastIssuedId);
            case LogRecordKind.InstanceDeleted:
                return LogRecord.Deleted(instanceId);
            default:
                throw new InvalidDataException($"Unknown relay log record kind {(byte)kind}.");
        }
    }
}

using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace PushFunctions.Relay.Storage.Log;

/// <summary>
/// Message rows of the earlier layouts, read once at the first start of the log layout and moved into the log: a row per
/// message, either in a partition per instance (row = 19-digit id, or <c>watermark</c>; the data as a string) or in shard
/// partitions <c>shard{n}</c> (row = <c>{instance}:{19-digit id}</c>, or <c>{instance}:watermark</c>; the data split over
/// binary properties <c>Data</c>, <c>Data1</c>, …).
/// </summary>
internal static class LegacyRows
{
    private const int IdDigits = 19;
    private const string AppNameProperty = "AppName";
    private const string CollapseIdProperty = "CollapseId";
    private const string DataProperty = "Data";
    private const string LastIssuedIdProperty = "LastIssuedId";

    /// <summary>The row as a log record: a queued message, or the instance's highest issued id.</summary>
    public static LogRecord ToRecord(TableEntity entity)
    {
        var sharded = entity.PartitionKey.StartsWith("shard", StringComparison.Ordinal);
        var separator = entity.RowKey.LastIndexOf(':');
        var (instanceId, suffix) = sharded
            ? (entity.RowKey[..separator], entity.RowKey[(separator + 1)..])
            : (entity.PartitionKey, entity.RowKey);
        if (suffix.Length != IdDigits)
        {
            return LogRecord.Removed(instanceId, [], entity.GetInt64(LastIssuedIdProperty) ?? 0);
        }

        return LogRecord.Queued(new StoredMessage(
            instanceId,
            long.Parse(suffix, NumberStyles.None, CultureInfo.InvariantCulture),
            entity.GetString(AppNameProperty) ?? "",
            entity.GetString(CollapseIdProperty),
            ReadData(entity),
            entity.Timestamp ?? DateTimeOffset.UtcNow));
    }

    /// <summary>The data as written: binary parts in order, or (first layout) one string.</summary>
    private static byte[] ReadData(TableEntity entity)
    {
        if (entity.TryGetValue(DataProperty, out var first) && first is string text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        using var data = new MemoryStream();
        for (var part = 0; entity.GetBinary(DataProperty + (part == 0 ? "" : part.ToString(CultureInfo.InvariantCulture))) is { } bytes; part++)
        {
            data.Write(bytes);
        }

        return data.Length == 0 ? "{}"u8.ToArray() : data.ToArray();
    }
}

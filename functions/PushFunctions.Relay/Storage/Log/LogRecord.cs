namespace PushFunctions.Relay.Storage.Log;

/// <summary>One change of the message log.</summary>
/// <param name="Message">For <see cref="LogRecordKind.Message"/>: the message as stored.</param>
/// <param name="RemovedIds">For <see cref="LogRecordKind.Removal"/>: the ids removed (none when it only records the highest id).</param>
/// <param name="LastIssuedId">For <see cref="LogRecordKind.Removal"/>: the highest id issued to the instance so far.</param>
public sealed record LogRecord(LogRecordKind Kind, string InstanceId, StoredMessage? Message, IReadOnlyList<long> RemovedIds, long LastIssuedId)
{
    public static LogRecord Queued(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(LogRecordKind.Message, message.InstanceId, message, [], 0);
    }

    public static LogRecord Removed(string instanceId, IReadOnlyList<long> ids, long lastIssuedId) =>
        new(LogRecordKind.Removal, instanceId, null, ids, lastIssuedId);

    public static LogRecord Deleted(string instanceId) => new(LogRecordKind.InstanceDeleted, instanceId, null, [], 0);
}

namespace PushFunctions.Relay.Storage.Log;

/// <summary>The queued messages and highest issued ids that a sequence of log records leaves, applied in order.</summary>
public sealed class LogState
{
    private readonly Dictionary<string, Dictionary<long, StoredMessage>> messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> watermarks = new(StringComparer.Ordinal);

    public IEnumerable<StoredMessage> Messages => messages.Values.SelectMany(queue => queue.Values);

    /// <summary>Per instance, the highest id issued when its queue was last trimmed.</summary>
    public IReadOnlyDictionary<string, long> Watermarks => watermarks;

    public void Apply(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (record.Kind)
        {
            case LogRecordKind.Message:
                if (!messages.TryGetValue(record.InstanceId, out var queue))
                {
                    messages[record.InstanceId] = queue = [];
                }

                queue[record.Message!.Id] = record.Message;
                break;
            case LogRecordKind.Removal:
                if (messages.TryGetValue(record.InstanceId, out var trimmed))
                {
                    foreach (var id in record.RemovedIds)
                    {
                        trimmed.Remove(id);
                    }

                    if (trimmed.Count == 0)
                    {
                        messages.Remove(record.InstanceId);
                    }
                }

                watermarks[record.InstanceId] = Math.Max(watermarks.GetValueOrDefault(record.InstanceId), record.LastIssuedId);
                break;
            case LogRecordKind.InstanceDeleted:
                messages.Remove(record.InstanceId);
                watermarks.Remove(record.InstanceId);
                break;
        }
    }

    /// <summary>Records that rebuild exactly this state: per instance its highest issued id, then its messages in id order.</summary>
    public IEnumerable<LogRecord> Records()
    {
        foreach (var (instanceId, watermark) in watermarks)
        {
            yield return LogRecord.Removed(instanceId, [], watermark);
        }

        foreach (var queue in messages.Values)
        {
            foreach (var message in queue.Values.OrderBy(message => message.Id))
            {
                yield return LogRecord.Queued(message);
            }
        }
    }
}

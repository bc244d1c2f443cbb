using Azure.Data.Tables;
using PushFunctions.Relay.Storage.Log;

namespace PushFunctions.LoadGenerator;

/// <summary>
/// Counts the messages the relay has stored for a set of instances: what a relay starting now would load from its message
/// table (the log replayed, and rows of earlier layouts), read without writing. The check that every message the relay
/// answered 204 is durable.
/// </summary>
public static class StoredMessageCount
{
    /// <summary>The stored messages of each of the instances (0 for one with none).</summary>
    public static async Task<Dictionary<string, int>> CountAsync(
        string connectionString, string table, IReadOnlySet<string> instances, CancellationToken cancellationToken)
    {
        var state = await MessageLog.ReadAsync(new TableClient(connectionString, table), cancellationToken);
        var counts = instances.ToDictionary(instance => instance, _ => 0, StringComparer.Ordinal);
        foreach (var message in state.Messages.Where(message => counts.ContainsKey(message.InstanceId)))
        {
            counts[message.InstanceId]++;
        }

        return counts;
    }
}

namespace PushFunctions.Relay.Storage;

/// <param name="Data">The message's <c>data</c> object as UTF-8 JSON.</param>
public sealed record StoredMessage(string InstanceId, long Id, string AppName, string? CollapseId, byte[] Data, DateTimeOffset Enqueued);

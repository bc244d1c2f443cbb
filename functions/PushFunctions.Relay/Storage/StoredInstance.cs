namespace PushFunctions.Relay.Storage;

public sealed record StoredInstance(string Id, string User, DateTimeOffset LastActivity);

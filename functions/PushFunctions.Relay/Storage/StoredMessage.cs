using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Storage;

public sealed record StoredMessage(string InstanceId, QueuedMessage Message);

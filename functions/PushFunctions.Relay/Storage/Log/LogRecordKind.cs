namespace PushFunctions.Relay.Storage.Log;

/// <summary>What a record of the message log says; the byte that starts the record.</summary>
public enum LogRecordKind : byte
{
    /// <summary>A message was queued, or a queued one replaced by a collapse (same id).</summary>
    Message = 1,

    /// <summary>Messages were removed (acknowledged, dropped, expired, unregistered); carries the highest id issued.</summary>
    Removal = 2,

    /// <summary>The instance was deleted: its messages and its highest issued id go with it.</summary>
    InstanceDeleted = 3,
}

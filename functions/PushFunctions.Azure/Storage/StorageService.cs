namespace PushFunctions.Azure.Storage;

/// <summary>The storage services the clients talk to; each has its own Shared Key string-to-sign.</summary>
internal enum StorageService
{
    Queue,
    Table,
}

namespace PushFunctions.Azure.Configuration;

/// <summary>The storage services the gateway and the relay use.</summary>
public enum StorageService
{
    Table,
    Queue,
    Blob,
}

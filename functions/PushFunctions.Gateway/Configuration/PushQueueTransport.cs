namespace PushFunctions.Gateway.Configuration;

public enum PushQueueTransport
{
    StorageQueue,
    ServiceBus,
}

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// The <see cref="global::Azure.RequestFailedException.ErrorCode"/> of a failed Service Bus call. The REST API answers
/// with a status and an XML detail only; these names follow the SDK's ServiceBusFailureReason where one applies.
/// </summary>
public static class ServiceBusErrorCode
{
    public const string Unauthorized = "Unauthorized";
    public const string MessageSizeExceeded = "MessageSizeExceeded";
    public const string QuotaExceeded = "QuotaExceeded";
    public const string MessagingEntityNotFound = "MessagingEntityNotFound";
    public const string ServiceBusy = "ServiceBusy";
    public const string BadRequest = "BadRequest";
}

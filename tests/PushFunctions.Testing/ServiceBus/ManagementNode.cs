using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A queue's <c>$management</c> node, for the operations a peek-lock receiver makes there. Request shapes from the SDK
/// (AmqpRequestMessage, AmqpReceiver, ManagementConstants): application property <c>operation</c>, an AmqpValue map
/// body. <c>com.microsoft:renew-lock</c> takes <c>lock-tokens</c> (uuid[]) and answers <c>expirations</c>
/// (timestamp[]); <c>com.microsoft:update-disposition</c> takes <c>lock-tokens</c>, <c>disposition-status</c> and
/// <c>deadletter-reason</c>/<c>deadletter-description</c>. Answers carry <c>statusCode</c> and <c>statusDescription</c>
/// (AmqpResponseMessage reads them); a lost lock is 410 with <c>errorCondition</c> com.microsoft:message-lock-lost.
/// </summary>
internal sealed class ManagementNode(LocalQueue queue) : RequestResponseNode
{
    private static readonly MapKey LockTokens = new("lock-tokens");
    private static readonly MapKey Expirations = new("expirations");
    private static readonly MapKey DispositionStatus = new("disposition-status");
    private static readonly MapKey DeadLetterReason = new("deadletter-reason");
    private static readonly MapKey DeadLetterDescription = new("deadletter-description");

    protected override AmqpMessage Handle(AmqpMessage request, AmqpConnection connection)
    {
        var operation = request.ApplicationProperties.Map["operation"] as string;
        if (request.ValueBody?.Value is not AmqpMap body || body[LockTokens] is not Guid[] lockTokens)
        {
            return Answer(400, $"{operation} needs a map body with lock-tokens.");
        }

        switch (operation)
        {
            case "com.microsoft:renew-lock":
                var expirations = queue.RenewLocks(lockTokens);
                return expirations is null ? LockLost() : Answer(200, "OK", new AmqpMap { [Expirations] = expirations });
            case "com.microsoft:update-disposition":
                if (body[DispositionStatus] is not ("completed" or "abandoned" or "suspended"))
                {
                    return Answer(400, "disposition-status is completed, abandoned or suspended.");
                }

                return queue.UpdateDisposition(lockTokens, (string)body[DispositionStatus], body[DeadLetterReason] as string, body[DeadLetterDescription] as string)
                    ? Answer(200, "OK")
                    : LockLost();
            default:
                return Answer(501, $"The local namespace does not implement {operation}.");
        }
    }

    private static AmqpMessage Answer(int status, string description, AmqpMap? body = null) =>
        Response("statusCode", status, "statusDescription", description, body ?? new AmqpMap());

    private static AmqpMessage LockLost()
    {
        var response = Answer(410, "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.");
        response.ApplicationProperties.Map["errorCondition"] = new AmqpSymbol(LocalQueue.MessageLockLostCondition);
        return response;
    }
}

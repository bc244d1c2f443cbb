using Azure;
using PushFunctions.Azure.Queues;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The Storage queue "{queue}-poison", where a message goes that will never be delivered: the same queue, and the
/// same bytes, as the Functions host's queue trigger poisons into, so an operator looks in one place. A queue message
/// carries no properties, so the reason goes to the log, with the poisoned message's id to find it by.
/// </summary>
/// <param name="queue">A client that sends text as is (the base64 is written here, so binary bodies survive).</param>
public sealed partial class PoisonQueue(QueueClient queue, ILogger<PoisonQueue> logger)
{
    /// <param name="body">The message's bytes as the sender wrote them; they travel base64-encoded, as host.json's messageEncoding says.</param>
    /// <param name="source">Where the message came from, e.g. "Storage queue message 1f3c…", for the log line.</param>
    /// <returns>A sentence naming the poisoned copy and the reason, as logged.</returns>
    public async Task<string> PoisonAsync(ReadOnlyMemory<byte> body, string source, string reason, CancellationToken cancellationToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken);
        var receipt = (await queue.SendMessageAsync(Convert.ToBase64String(body.Span), cancellationToken: cancellationToken)).Value;
        LogPoisoned(logger, source, queue.Name, receipt.MessageId, reason);
        return $"{source} moved to {queue.Name} as message {receipt.MessageId}: {reason}";
    }

    public string Name => queue.Name;

    /// <summary>About how many messages were given up; none while the queue does not exist (the first poisoned message creates it).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Source} moved to {PoisonQueue} as message {PoisonMessageId}: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string source, string poisonQueue, string poisonMessageId, string reason);
}

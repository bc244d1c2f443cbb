using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The Storage queue "{queue}-poison", where a message goes that will never be delivered: the same queue, and the
/// same bytes, as the Functions host's queue trigger poisons into, so an operator looks in one place. A queue message
/// carries no properties, so the reason goes to the log, with the poisoned message's id to find it by.
/// </summary>
/// <param name="queue">A client that writes message bodies base64-encoded, as host.json's messageEncoding says, so binary bodies survive.</param>
public sealed partial class PoisonQueue(QueueClient queue, ILogger<PoisonQueue> logger)
{
    /// <param name="body">The message's bytes as the sender wrote them.</param>
    /// <param name="source">Where the message came from, e.g. "Storage queue message 1f3c…", for the log line.</param>
    /// <returns>A sentence naming the poisoned copy and the reason, as logged.</returns>
    public async Task<string> PoisonAsync(ReadOnlyMemory<byte> body, string source, string reason, CancellationToken cancellationToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var receipt = (await queue.SendMessageAsync(new BinaryData(body), cancellationToken: cancellationToken)).Value;
        LogPoisoned(logger, source, queue.Name, receipt.MessageId, reason);
        return $"{source} moved to {queue.Name} as message {receipt.MessageId}: {reason}";
    }

    /// <summary>
    /// A received message the queue client could not decode from base64 (written by a client that does not encode): it
    /// can never be an envelope, so it is poisoned at once and deleted. Its copy is base64 like every poisoned message,
    /// so the poison queue reads with one encoding (the host's own handler copies such a message as it came).
    /// </summary>
    public async Task PoisonUndecodableAsync(QueueMessageDecodingFailedEventArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.ReceivedMessage is not { } message)
        {
            // A peek moves nothing.
            return;
        }

        await PoisonAsync(message.Body.ToMemory(), $"Storage queue message {message.MessageId} (dequeue count {message.DequeueCount})", "not base64, as the queue's messages must be", args.CancellationToken);
        await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken);
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

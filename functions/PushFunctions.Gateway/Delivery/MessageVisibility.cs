using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Keeps a received Storage queue message invisible while its delivery runs: every third of the visibility timeout the
/// timeout is set again, so a long fan-out is never handed to a second consumer while the first still works on it,
/// and a consumer that dies lets the message reappear within one timeout. Each update changes the pop receipt; the
/// last one settles the message.
/// </summary>
internal sealed partial class MessageVisibility : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public MessageVisibility(QueueClient queue, QueueMessage message, TimeSpan timeout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(message);
        _queue = queue;
        _messageId = message.MessageId;
        PopReceipt = message.PopReceipt;
        _timeout = timeout;
        _logger = logger;
        _renewing = RenewAsync();
    }

    /// <summary>The pop receipt of the message's latest update, once renewal has stopped.</summary>
    public string PopReceipt { get; private set; }

    /// <summary>Stops renewing; an update in flight finishes first, so <see cref="PopReceipt"/> is the current one.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
    }

    private async Task RenewAsync()
    {
        while (true)
        {
            try
            {
                await Task.Delay(_timeout / 3, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // Not cancelled by stopping: an update cut off midway would leave the new pop receipt unknown.
                PopReceipt = (await _queue.UpdateMessageAsync(_messageId, PopReceipt, messageText: null, visibilityTimeout: _timeout, cancellationToken: CancellationToken.None)).Value.PopReceipt;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage unavailable: the message may reappear, and its second delivery finds the sends claimed.
                LogRenewFailed(_logger, e, _messageId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keeping message {MessageId} invisible during its delivery failed; it may be delivered twice at once (sends are claimed, so no device gets it twice)")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string messageId);
}

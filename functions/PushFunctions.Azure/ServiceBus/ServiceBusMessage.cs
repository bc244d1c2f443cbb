namespace PushFunctions.Azure.ServiceBus;

/// <summary>A message to send: its body and the broker properties the gateway sets.</summary>
public class ServiceBusMessage
{
    /// <summary>The service's limit on a message id.</summary>
    public const int MaxMessageIdLength = 128;

    private string? _messageId;
    private TimeSpan? _timeToLive;

    public ServiceBusMessage(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
    }

    public ServiceBusMessage(string body)
        : this(BinaryData.FromString(body ?? throw new ArgumentNullException(nameof(body))))
    {
    }

    public BinaryData Body { get; }

    /// <summary>With duplicate detection on, a second message with the same id inside the window is dropped by the service.</summary>
    public string? MessageId
    {
        get => _messageId;
        set
        {
            if (value is not null && (value.Length == 0 || value.Length > MaxMessageIdLength))
            {
                throw new ArgumentOutOfRangeException(nameof(value), $"A message id has 1 to {MaxMessageIdLength} characters.");
            }

            _messageId = value;
        }
    }

    /// <summary>How long the message stays on the queue unreceived; null leaves the queue's default.</summary>
    public TimeSpan? TimeToLive
    {
        get => _timeToLive;
        set
        {
            if (value is not null && value.Value < TimeSpan.FromSeconds(1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A time-to-live is at least one second.");
            }

            _timeToLive = value;
        }
    }
}

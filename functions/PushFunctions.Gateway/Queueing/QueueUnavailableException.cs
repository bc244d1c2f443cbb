namespace PushFunctions.Gateway.Queueing;

/// <summary>The queue could not take a ping: the caller is answered 503 and nothing is half-accepted.</summary>
public sealed class QueueUnavailableException : Exception
{
    public QueueUnavailableException()
    {
    }

    public QueueUnavailableException(string message)
        : base(message)
    {
    }

    public QueueUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

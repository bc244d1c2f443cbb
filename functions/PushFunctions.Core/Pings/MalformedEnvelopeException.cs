namespace PushFunctions.Core.Pings;

/// <summary>
/// A queue message that is not a ping envelope and never will be: retrying it cannot help. The message says why in
/// words of our own (never the message's content), so it can be shown to an operator beside the poisoned message.
/// </summary>
public sealed class MalformedEnvelopeException : Exception
{
    public MalformedEnvelopeException()
    {
    }

    public MalformedEnvelopeException(string reason)
        : base(reason)
    {
    }

    public MalformedEnvelopeException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }
}

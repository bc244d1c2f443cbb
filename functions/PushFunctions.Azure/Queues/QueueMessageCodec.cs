using System.Text;

namespace PushFunctions.Azure.Queues;

/// <summary>Message text to and from its form in the queue.</summary>
internal static class QueueMessageCodec
{
    /// <summary>The service refuses messages over 64 KiB.</summary>
    public const int MaxEncodedBytes = 64 * 1024;

    public static string Encode(string messageText, QueueMessageEncoding encoding)
    {
        string encoded = encoding == QueueMessageEncoding.Base64
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes(messageText))
            : messageText;
        int size = Encoding.UTF8.GetByteCount(encoded);
        if (size > MaxEncodedBytes)
        {
            throw new ArgumentException(
                $"The message is {size} bytes once encoded ({encoding}); a queue message holds at most {MaxEncodedBytes}.", nameof(messageText));
        }

        return encoded;
    }

    /// <summary>
    /// The text a sender meant. A base64 queue can still receive a message someone put raw (a portal test message,
    /// another tool); that text comes back as is, so one foreign message cannot make every receive throw.
    /// The consumer's own parsing then rejects it and the usual poison handling applies.
    /// </summary>
    public static string Decode(string queuedText, QueueMessageEncoding encoding)
    {
        if (encoding == QueueMessageEncoding.None)
        {
            return queuedText;
        }

        byte[] buffer = new byte[queuedText.Length];
        return Convert.TryFromBase64String(queuedText, buffer, out int written)
            ? Encoding.UTF8.GetString(buffer, 0, written)
            : queuedText;
    }
}

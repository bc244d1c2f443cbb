namespace PushFunctions.Azure.Queues;

/// <summary>How message text travels in the queue.</summary>
public enum QueueMessageEncoding
{
    /// <summary>As is; the text must be valid in XML.</summary>
    None,

    /// <summary>Base64 of the UTF-8 text: what the Azure Functions queue trigger expects by default, and safe for any text.</summary>
    Base64,
}

using System.Globalization;
using System.Text;

namespace PushFunctions.Testing.FunctionsHost;

/// <summary>
/// The invocation requests the Azure Functions host (4.1037) POSTs to a custom handler for a timer, and for a message trigger bound with
/// <c>"dataType": "binary"</c>, as text, never built with our own serializer. The Storage-queue request was captured
/// from the real host running a queueTrigger against Azurite; the Service Bus requests follow the same host code
/// (ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue: bytes as base64, every scalar of the binding
/// data JSON-serialized once more into a string, dictionaries as objects) over the binding data of the Service Bus
/// extension 5.x (ServiceBusTriggerBindingStrategy.AddBindingData). The timer request was captured from the real host
/// too. docs/functions-host.md has the details.
/// </summary>
public static class FunctionsHostInvocation
{
    /// <summary>Captured from the host; only the body, the counts, the ids and the function name are replaced.</summary>
    private const string StorageQueueTemplate =
        """{"Data":{"message":"{body}"},"Metadata":{"DequeueCount":"{count}","ExpirationTime":"2026-12-02T15:55:14+00:00","Id":"\"{id}\"","InsertionTime":"2026-11-25T15:55:14+00:00","NextVisibleTime":"2026-11-25T16:05:15+00:00","PopReceipt":"\"MjVOb3YyMDI2MTU6NTU6MTU1ZDRl\"","sys":{"MethodName":"{function}","UtcNow":"2026-11-25T15:55:15.1193333Z","RandGuid":"7fe72dde-a53d-4950-a6b9-33f00859fe38"}}}""";

    /// <summary>
    /// The message actions and the client serialize to objects of their public properties; null values (ReplyTo, To,
    /// Subject, SessionId, DeadLetterSource of a queue's own dead-letter queue, ...) are left out by the host.
    /// </summary>
    private const string ServiceBusTemplate =
        """{"Data":{"message":"{body}"},"Metadata":{"MessageReceiver":{},"MessageSession":{},"MessageActions":{},"SessionActions":{},"ReceiveActions":{},"Client":{"FullyQualifiedNamespace":"pushfunctions.servicebus.windows.net","IsClosed":false,"TransportType":0,"Identifier":"pushfunctions.servicebus.windows.net-5c0fd1e2-7a4e-4d40-a3c9-0f1f5b1e9a11"},"DeliveryCount":"{count}","LockToken":"\"6f1f2c1e-9d7b-4a55-8a8e-0b1f3c5d7e90\"","ExpiresAtUtc":"2026-11-26T15:55:14","ExpiresAt":"2026-11-26T15:55:14+00:00","EnqueuedTimeUtc":"2026-11-25T15:55:14","EnqueuedTime":"2026-11-25T15:55:14+00:00","MessageId":"\"{id}\"","ContentType":"\"application/json\"","SequenceNumber":"12","ApplicationProperties":{properties},"UserProperties":{properties},"sys":{"MethodName":"{function}","UtcNow":"2026-11-25T15:55:15.1193333Z","RandGuid":"7fe72dde-a53d-4950-a6b9-33f00859fe38"}}}""";

    /// <summary>
    /// A timerTrigger occurrence, captured from the host (4.1037, its built-in Timers extension) running a custom handler
    /// on Azurite: Data.timer is the extension's TimerInfo as a JSON object of its public properties
    /// (GetHttpScriptInvocationContextValue: JObject.FromObject); the trigger's own binding data ("TimerTrigger") ends in
    /// "trigger" and is left out of Metadata. ScheduleStatus is null when the schedule monitor is off.
    /// </summary>
    private const string TimerTemplate =
        """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-25T20:14:49.8200558+00:00","Next":"2026-11-25T20:15:00+00:00","LastUpdated":"2026-11-25T20:14:49.8200558+00:00"},"IsPastDue":{pastDue}}},"Metadata":{"sys":{"MethodName":"{function}","UtcNow":"2026-11-25T20:15:00.0053628Z","RandGuid":"cd333230-5367-4470-9764-77b7d79fa78d"}}}""";

    /// <summary>One occurrence of a timerTrigger function as the host invokes it.</summary>
    public static string ForTimer(string function, bool pastDue = false) =>
        TimerTemplate
            .Replace("{pastDue}", pastDue ? "true" : "false", StringComparison.Ordinal)
            .Replace("{function}", function, StringComparison.Ordinal);

    /// <summary>A Storage-queue message (host.json messageEncoding base64) as the queueTrigger function receives it.</summary>
    public static string ForStorageQueueMessage(ReadOnlySpan<byte> body, string function, long dequeueCount, string? messageId = null) =>
        StorageQueueTemplate
            .Replace("{body}", Convert.ToBase64String(body), StringComparison.Ordinal)
            .Replace("{count}", dequeueCount.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{id}", messageId ?? Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{function}", function, StringComparison.Ordinal);

    /// <param name="applicationPropertiesJson">The message's application properties as the host writes them: a JSON object.</param>
    public static string ForServiceBusMessage(
        ReadOnlySpan<byte> body, string function, long deliveryCount, string messageId, string applicationPropertiesJson = "{}") =>
        ServiceBusTemplate
            .Replace("{body}", Convert.ToBase64String(body), StringComparison.Ordinal)
            .Replace("{count}", deliveryCount.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{id}", messageId, StringComparison.Ordinal)
            .Replace("{properties}", applicationPropertiesJson, StringComparison.Ordinal)
            .Replace("{function}", function, StringComparison.Ordinal);

    /// <summary>
    /// POSTs an invocation to <c>/{function}</c> as the host's HttpClient does (DefaultHttpWorkerService): an
    /// ObjectContent of unknown length, so the body goes chunked without Content-Length, with the host's headers.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient handler, string function, string invocation)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(invocation))),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1037.0.0");
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1037.0.0");
        return await handler.SendAsync(request);
    }
}

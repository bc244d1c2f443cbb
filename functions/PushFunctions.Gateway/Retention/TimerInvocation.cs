using System.Text.Json;

namespace PushFunctions.Gateway.Retention;

/// <summary>
/// A timerTrigger function's invocation as the Functions host POSTs it to a custom handler (docs/ping-status.md names the
/// host source): <c>{"Data":{"timer":{"Schedule":{...},"ScheduleStatus":{...},"IsPastDue":false}},"Metadata":{"sys":{...}}}</c>.
/// The trigger value is the extension's TimerInfo, which the host sends as a JSON object of its public properties.
/// </summary>
public sealed record TimerInvocation(bool PastDue)
{
    public const string Binding = "timer";

    /// <returns>The invocation, or the reason it is not one the host sends for our function.json.</returns>
    public static async Task<(TimerInvocation? Invocation, string? Refusal)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            // Chunked, without Content-Length, like every invocation the host sends.
            using var invocation = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            if (invocation.RootElement.ValueKind != JsonValueKind.Object
                || !invocation.RootElement.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty(Binding, out var timer) || timer.ValueKind != JsonValueKind.Object
                || !timer.TryGetProperty("IsPastDue", out var pastDue) || pastDue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, $"The invocation has no timer in Data.{Binding}.");
            }

            return (new TimerInvocation(pastDue.GetBoolean()), null);
        }
        catch (JsonException)
        {
            return (null, "The invocation payload is not JSON.");
        }
    }
}

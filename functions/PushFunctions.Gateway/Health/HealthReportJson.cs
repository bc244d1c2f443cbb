using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PushFunctions.Gateway.Health;

/// <summary>
/// <c>GET /healthz</c> as JSON: the overall status, then each check's status, description and data (the queue's
/// depth, a channel's problem, the last import's summary), so a monitor or an operator sees why, not only that.
/// Exceptions are not written: their text can carry addresses and names; the log has them. The status code stays
/// the middleware's: 200 healthy or degraded, 503 unhealthy.
/// </summary>
public static class HealthReportJson
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteString("description", entry.Description);
            writer.WriteStartObject("data");
            foreach (var (key, value) in entry.Data)
            {
                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, value, value.GetType());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}

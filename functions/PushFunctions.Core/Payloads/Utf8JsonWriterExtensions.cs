using System.Text.Json;

namespace PushFunctions.Core.Payloads;

/// <summary>Payload keys whose value is absent are left out, never sent as null or "".</summary>
internal static class Utf8JsonWriterExtensions
{
    public static void WriteStringIfPresent(this Utf8JsonWriter writer, ReadOnlySpan<byte> propertyName, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(propertyName, value);
        }
    }
}

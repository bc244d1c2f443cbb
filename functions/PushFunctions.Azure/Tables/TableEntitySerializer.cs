using System.Globalization;
using System.Text.Json;
using Azure;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// Entities to and from the Table service's OData JSON. Values JSON cannot type on its own carry an
/// "Name@odata.type" annotation, so they read back as the CLR type they were written as.
/// </summary>
internal static class TableEntitySerializer
{
    public static byte[] Serialize(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, entity);
        }

        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, TableEntity entity)
    {
        writer.WriteStartObject();
        writer.WriteString(TableConstants.PartitionKey, entity.PartitionKey);
        writer.WriteString(TableConstants.RowKey, entity.RowKey);
        foreach ((string name, object value) in entity.Properties)
        {
            WriteProperty(writer, name, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteString(name, text);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                Annotate(writer, name, TableConstants.EdmInt64);
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                // Annotated so 2.0 reads back as a double, not an Int32; JSON has no NaN or infinities, OData spells them as strings.
                Annotate(writer, name, TableConstants.EdmDouble);
                if (double.IsFinite(number))
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                }

                break;
            case DateTimeOffset instant:
                Annotate(writer, name, TableConstants.EdmDateTime);
                writer.WriteString(name, FormatDateTime(instant));
                break;
            case Guid id:
                Annotate(writer, name, TableConstants.EdmGuid);
                writer.WriteString(name, id.ToString("D"));
                break;
            case byte[] bytes:
                Annotate(writer, name, TableConstants.EdmBinary);
                writer.WriteBase64String(name, bytes);
                break;
            default:
                // TableEntity only admits the types above, so this is a bug in this file, not bad input.
                throw new InvalidOperationException($"No Table service type for {value.GetType().Name}.");
        }
    }

    /// <summary>The service's Edm.DateTime text: UTC with seven fractional digits, as it stores them.</summary>
    public static string FormatDateTime(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The instant a DateTime stands for; the service has no local times, so an unspecified kind counts as UTC.</summary>
    public static DateTimeOffset ToInstant(DateTime value) =>
        new DateTimeOffset(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value).ToUniversalTime();

    private static void Annotate(Utf8JsonWriter writer, string name, string edmType) =>
        writer.WriteString(name + TableConstants.TypeAnnotationSuffix, edmType);

    /// <summary>An entity from a JSON object of the service's, with its ETag from the body or, failing that, the response header.</summary>
    public static TableEntity Read(JsonElement json, ETag headerETag = default)
    {
        string partitionKey = json.TryGetProperty(TableConstants.PartitionKey, out JsonElement pk) ? pk.GetString() ?? string.Empty : string.Empty;
        string rowKey = json.TryGetProperty(TableConstants.RowKey, out JsonElement rk) ? rk.GetString() ?? string.Empty : string.Empty;
        var entity = new TableEntity(partitionKey, rowKey)
        {
            ETag = json.TryGetProperty(TableConstants.ODataEtag, out JsonElement etag) && etag.GetString() is { } bodyETag
                ? new ETag(bodyETag)
                : headerETag,
        };

        foreach (JsonProperty property in json.EnumerateObject())
        {
            string name = property.Name;
            if (name is TableConstants.PartitionKey or TableConstants.RowKey
                || name.StartsWith("odata.", StringComparison.Ordinal)
                || name.EndsWith(TableConstants.TypeAnnotationSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            string? edmType = json.TryGetProperty(name + TableConstants.TypeAnnotationSuffix, out JsonElement annotation) ? annotation.GetString() : null;
            if (name == TableConstants.Timestamp)
            {
                entity.Timestamp = ParseDateTime(property.Value);
                continue;
            }

            object? value = ReadValue(name, property.Value, edmType);
            if (value is not null)
            {
                entity[name] = value;
            }
        }

        return entity;
    }

    private static object? ReadValue(string name, JsonElement value, string? edmType)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return edmType switch
            {
                TableConstants.EdmInt64 => value.ValueKind == JsonValueKind.Number
                    ? value.GetInt64()
                    : long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                TableConstants.EdmDouble => ReadDouble(value),
                TableConstants.EdmDateTime => ParseDateTime(value),
                TableConstants.EdmGuid => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                TableConstants.EdmBinary => value.GetBytesFromBase64(),
                TableConstants.EdmInt32 => value.GetInt32(),
                TableConstants.EdmBoolean => value.GetBoolean(),
                TableConstants.EdmString => value.GetString(),
                null => ReadUntyped(value),
                _ => throw new FormatException($"Unknown type annotation '{edmType}'."),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new FormatException($"The Table service returned property '{name}' in a shape this client cannot read.", e);
        }
    }

    /// <summary>Without an annotation JSON decides: strings, booleans, and numbers (Int32 when whole and in range, else Double).</summary>
    private static object? ReadUntyped(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        // Boxed separately: a conditional of int and double would widen the int to a double.
        JsonValueKind.Number => value.TryGetInt32(out int whole) ? (object)whole : value.GetDouble(),
        _ => throw new FormatException($"A table property cannot be a JSON {value.ValueKind}."),
    };

    private static double ReadDouble(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? value.GetDouble()
        : value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
        };

    private static DateTimeOffset ParseDateTime(JsonElement value) =>
        DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

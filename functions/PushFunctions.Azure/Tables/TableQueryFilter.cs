using System.Globalization;

namespace PushFunctions.Azure.Tables;

/// <summary>Turns interpolated values into OData literals, so a filter's values can never change its shape.</summary>
internal static class TableQueryFilter
{
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        object?[] literals = filter.GetArguments().Select(ToLiteral).ToArray();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    private static string ToLiteral(object? value) => value switch
    {
        null => "null",
        string text => Quote(text),
        char character => Quote(character.ToString()),
        bool flag => flag ? "true" : "false",
        byte or sbyte or short or ushort or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        uint or long => Convert.ToString(value, CultureInfo.InvariantCulture) + "L",
        double number => FormatDouble(number),
        float number => FormatDouble(number),
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset instant => $"datetime'{TableEntitySerializer.FormatDateTime(instant)}'",
        DateTime instant => $"datetime'{TableEntitySerializer.FormatDateTime(TableEntitySerializer.ToInstant(instant))}'",
        Guid id => $"guid'{id:D}'",
        byte[] bytes => $"X'{Convert.ToHexStringLower(bytes)}'",
        _ => throw new ArgumentException($"A filter value of type {value.GetType().Name} has no OData literal form.", nameof(value)),
    };

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string FormatDouble(double number)
    {
        string text = number.ToString("R", CultureInfo.InvariantCulture);
        // An integral-looking literal would be read as Int32 (and overflow beyond it); keep it a double.
        return text.All(c => char.IsAsciiDigit(c) || c == '-') ? text + ".0" : text;
    }
}

using Microsoft.Extensions.Logging;

namespace PushFunctions.Testing.Logging;

/// <summary>One log record as a sink would get it: the formatted message, the exception, and every structured value (its own and its scopes').</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyList<KeyValuePair<string, object?>> Values)
{
    /// <summary>Everything of the record that could reach a log store, as text.</summary>
    public string Text => string.Join(
        "\n",
        [Message, Exception?.ToString() ?? string.Empty, .. Values.Select(value => $"{value.Key}={value.Value}")]);

    public object? Value(string name) => Values.LastOrDefault(value => value.Key == name).Value;
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>Keeps every log line the relay writes (level and formatted text), so tests can check what an operator sees.</summary>
internal sealed class RecordedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Recorder(lines);

    public void Dispose()
    {
    }

    private sealed class Recorder(ConcurrentQueue<(LogLevel, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((logLevel, formatter(state, exception)));
    }
}

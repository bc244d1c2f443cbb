using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Testing.Logging;

/// <summary>
/// A logger provider for a gateway in a test: keeps every record the gateway's logging configuration lets through (the
/// "Logging" filters apply to it as to any provider), with the values of its scopes. Register it as an
/// <see cref="ILoggerProvider"/> service.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _records = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLog> Records => _records;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new List<KeyValuePair<string, object?>>();
            owner._scopes.ForEachScope((scope, list) => Add(list, scope), values);
            Add(values, state);
            owner._records.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception, values));
        }

        private static void Add(List<KeyValuePair<string, object?>> values, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                values.AddRange(pairs);
            }
            else if (state is not null)
            {
                values.Add(new("Scope", state.ToString()));
            }
        }
    }
}

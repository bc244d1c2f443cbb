using System.Globalization;

namespace PushFunctions.LoadGenerator.Gateway;

/// <summary>
/// The gateway benchmark's measurements that wrk cannot take, as load-generator commands (scripts/bench.sh ingest):
/// <c>azurite-queue</c> (baseline write rate), <c>count-queued</c> (pings found on the queue), <c>e2e</c> (light-load latency)
/// and <c>coldstart</c> (scripts/bench.sh coldstart).
/// Arguments are <c>--name value</c> pairs.
/// </summary>
public static class GatewayBenchCommands
{
    public const string Usage =
        "  azurite-queue --connection CS [--seconds 10] [--concurrency 32]\n" +
        "  count-queued  --connection CS --queue NAME [--table-prefix P]\n" +
        "  e2e           --gateway URL --token T [--count 200] [--per-second 20]\n" +
        "  coldstart     --gateway EXE --baseline EXE --connection CS --token T [--runs 9]";

    public static bool Handles(string command) => command is "azurite-queue" or "count-queued" or "e2e" or "coldstart";

    public static async Task<int> RunAsync(string command, IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string? fallback = null) =>
            options.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required.");
        int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        switch (command)
        {
            case "azurite-queue":
                var rate = await AzuriteQueueBaseline.RunAsync(Get("connection"), TimeSpan.FromSeconds(GetInt("seconds", 10)), GetInt("concurrency", 32));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"azurite_queue_writes_per_second {rate:F0}"));
                return 0;
            case "count-queued":
                var (pings, messages) = await QueuedPingCounter.RunAsync(Get("connection"), Get("queue"), Get("table-prefix", ""));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"queued_pings {pings}\nqueued_messages {messages}"));
                return 0;
            case "coldstart":
                return await ColdStartBenchmark.RunAsync(Get("gateway"), Get("baseline"), Get("connection"), Get("token"), GetInt("runs", 9), output);
            default:
                var latencies = await EndToEndLatency.RunAsync(new Uri(Get("gateway")), Get("token"), GetInt("count", 200), double.Parse(Get("per-second", "20"), CultureInfo.InvariantCulture));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"e2e_pings {latencies.Count}\ne2e_p50_ms {latencies.Percentile(50):F1}\ne2e_p95_ms {latencies.Percentile(95):F1}\ne2e_p99_ms {latencies.Percentile(99):F1}"));
                return 0;
        }
    }
}

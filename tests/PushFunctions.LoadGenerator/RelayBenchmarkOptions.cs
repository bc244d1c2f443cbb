using System.Globalization;

namespace PushFunctions.LoadGenerator;

/// <summary>The <c>relay</c> mode's settings; every phase is bounded by a count and a duration.</summary>
public sealed record RelayBenchmarkOptions
{
    public const string Usage = """
        usage: PushFunctions.LoadGenerator relay [--relay URL] [--storage|--connection CONNECTION_STRING] [--pid RELAY_PID]
               [--polls 10000] [--latency-polls 5000] [--rate 100] [--latency-seconds 30] [--durable-seconds 15]
               [--concurrency 32] [--durable-devices 1024] [--queue-cap 100] [--fill-queues 0] [--setup-concurrency 16] [--user bench]
               [--password P] [--users-table Users] [--app benchapp] [--app-password P] [--table-prefix Relay]
               [--baseline-path /healthz]
        The relay must run in BuiltIn mode with Relay:Apps:{app}={app-password}; the user is created in the users table.
        --durable-seconds 0 leaves out the durable phase (for a server that does not keep its messages in Table Storage,
        such as the original rhoconnect-push). --baseline-path is the route timed as the baseline: any answer below 500
        counts (the original has no /healthz; both servers refuse / with 403 at once).
        --storage defaults to $AzureWebJobsStorage; it is used to create the user, for Azurite's own upsert rate and to
        count the relay's stored messages. --fill-queues N posts N more messages to each queue-only device at the end
        (with --durable-devices 10000 and N = the relay's queue cap: the memory of full queues).
        """;

    public Uri Relay { get; init; } = new("http://127.0.0.1:8675");

    public string Storage { get; init; } = Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "";

    public int? RelayPid { get; init; }

    public int Polls { get; init; } = 10_000;

    /// <summary>How many of the held polls stay open while messages are posted at <see cref="Rate"/>.</summary>
    public int LatencyPolls { get; init; } = 5_000;

    public int Rate { get; init; } = 100;

    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Zero leaves the durable phase out.</summary>
    public TimeSpan DurableDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The route whose round trips are the latency phase's baseline: one the server answers without any work.</summary>
    public string BaselinePath { get; init; } = "/healthz";

    /// <summary>Calls in flight during the durable-rate phase, for the relay and for Azurite alike.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Devices that do not poll, whose queues receive the durable-rate phase's messages.</summary>
    public int DurableDevices { get; init; } = 1024;

    /// <summary>
    /// The relay's <c>Relay:MaxQueuedMessages</c>: a queue-only device that was sent more keeps only its newest this many,
    /// which the durable check expects.
    /// </summary>
    public int QueueCap { get; init; } = 100;

    /// <summary>Messages posted to each queue-only device after the durable phase, to read the memory of full queues.</summary>
    public int FillQueues { get; init; }

    public int SetupConcurrency { get; init; } = 16;

    /// <summary>The relay's <c>Relay:TablePrefix</c>: its message table is <c>{prefix}Messages</c>.</summary>
    public string TablePrefix { get; init; } = "Relay";

    public string User { get; init; } = "bench";

    public string Password { get; init; } = "bench-password";

    public string UsersTable { get; init; } = "Users";

    public string App { get; init; } = "benchapp";

    public string AppPassword { get; init; } = "bench-app-password";

    public static RelayBenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new RelayBenchmarkOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                error = $"{args[i]} needs a value";
                return null;
            }

            var value = args[i + 1];
            try
            {
                options = args[i] switch
                {
                    "--relay" => options with { Relay = new Uri(value) },
                    "--storage" or "--connection" => options with { Storage = value },
                    "--pid" => options with { RelayPid = Number(value) },
                    "--polls" => options with { Polls = Number(value) },
                    "--rate" => options with { Rate = Number(value) },
                    "--latency-polls" => options with { LatencyPolls = Number(value) },
                    "--fill-queues" => options with { FillQueues = Number(value) },
                    "--table-prefix" => options with { TablePrefix = value },
                    "--latency-seconds" => options with { LatencyDuration = TimeSpan.FromSeconds(Number(value)) },
                    "--durable-seconds" => options with { DurableDuration = TimeSpan.FromSeconds(Number(value, allowZero: true)) },
                    "--concurrency" => options with { Concurrency = Number(value) },
                    "--durable-devices" => options with { DurableDevices = Number(value) },
                    "--queue-cap" => options with { QueueCap = Number(value) },
                    "--setup-concurrency" => options with { SetupConcurrency = Number(value) },
                    "--user" => options with { User = value },
                    "--password" => options with { Password = value },
                    "--users-table" => options with { UsersTable = value },
                    "--app" => options with { App = value },
                    "--app-password" => options with { AppPassword = value },
                    "--baseline-path" => options with { BaselinePath = value.StartsWith('/') ? value : throw new FormatException("--baseline-path must start with /") },
                    _ => throw new FormatException($"unknown option {args[i]}"),
                };
            }
            catch (FormatException exception)
            {
                error = exception.Message;
                return null;
            }
        }

        if (!options.Relay.IsLoopback)
        {
            error = "--relay must be a loopback URL: the load generator only loads this machine";
            return null;
        }

        if (options.LatencyPolls > options.Polls)
        {
            error = "--latency-polls cannot exceed --polls";
            return null;
        }

        if (string.IsNullOrEmpty(options.Storage))
        {
            error = "--storage (or $AzureWebJobsStorage) is required";
            return null;
        }

        error = null;
        return options;
    }

    private static int Number(string value, bool allowZero = false) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && (number > 0 || (allowZero && number == 0))
            ? number
            : throw new FormatException($"'{value}' is not a positive number");
}

using PushFunctions.LoadGenerator;
using PushFunctions.LoadGenerator.Fanout;
using PushFunctions.LoadGenerator.Gateway;
using PushFunctions.LoadGenerator.Import;
using PushFunctions.LoadGenerator.Resilience;

if (args.Length > 0 && GatewayBenchCommands.Handles(args[0]))
{
    return await GatewayBenchCommands.RunAsync(args[0], args[1..], Console.Out);
}

if (args.Length >= 3 && args[0] == "outage" && args[1] == "--what")
{
    var minutes = args.Length >= 5 && args[3] == "--minutes" ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 10;
    return await OutageBenchmark.RunAsync(args[2], TimeSpan.FromMinutes(minutes), 30, Console.Out);
}

if (args.Length == 3 && args[0] == "fanout" && args[1] == "--connection")
{
    return await FanoutBenchmark.RunAsync(args[2], Console.Out, CancellationToken.None);
}

if (args.Length >= 7 && args[0] == "import" && args[1] == "--connection" && args[3] == "--command" && args[5] == "--azurite-pid")
{
    int Count(string name, int fallback) => Array.IndexOf(args, name) is var i and > 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    return await ImportBenchmark.RunAsync(args[2], args[4], Count("--azurite-pid", 0), Count("--users", 10_000), Count("--clients", 3), Console.Out, CancellationToken.None);
}

if (args.Length == 0 || args[0] != "relay")
{
    await Console.Error.WriteLineAsync(RelayBenchmarkOptions.Usage);
    await Console.Error.WriteLineAsync(GatewayBenchCommands.Usage);
    await Console.Error.WriteLineAsync(FanoutBenchmark.Usage);
    await Console.Error.WriteLineAsync(OutageBenchmark.Usage);
    await Console.Error.WriteLineAsync(ImportBenchmark.Usage);
    return 2;
}

var options = RelayBenchmarkOptions.Parse(args[1..], out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(RelayBenchmarkOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await new RelayBenchmark(options, Console.Out).RunAsync(stop.Token);

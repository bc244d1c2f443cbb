using PushFunctions.LoadGenerator;
using PushFunctions.LoadGenerator.Fanout;
using PushFunctions.LoadGenerator.Gateway;
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

if (args.Length == 0 || args[0] != "relay")
{
    await Console.Error.WriteLineAsync(RelayBenchmarkOptions.Usage);
    await Console.Error.WriteLineAsync(GatewayBenchCommands.Usage);
    await Console.Error.WriteLineAsync(FanoutBenchmark.Usage);
    await Console.Error.WriteLineAsync(OutageBenchmark.Usage);
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

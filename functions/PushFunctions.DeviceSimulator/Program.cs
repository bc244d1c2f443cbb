using PushFunctions.DeviceSimulator;

var arguments = SimulatorArguments.Parse(args, out var error);
if (arguments is null)
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(SimulatorArguments.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// Longer than the relay's poll timeout (200 s by default), so a held poll is never cut short by the client.
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(300) };
try
{
    return await new DeviceSimulator(http, arguments, Console.Out, Console.Error).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
catch (HttpRequestException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 1;
}

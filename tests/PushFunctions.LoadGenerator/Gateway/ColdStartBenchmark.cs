using System.Diagnostics;
using System.Globalization;
using System.Net;
using PushFunctions.Testing.Http;

namespace PushFunctions.LoadGenerator.Gateway;

/// <summary>
/// Cold start (scripts/bench.sh coldstart): a published executable started as the Functions host starts its custom
/// handler (FUNCTIONS_CUSTOMHANDLER_PORT), timed from Process.Start to the first 200 of GET /healthz/live and, for the
/// gateway, of a ping, and the CPU time the process used until its first answer. Gateway and baseline runs alternate,
/// so both see the same machine.
/// </summary>
public static class ColdStartBenchmark
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string gateway, string baseline, string connection, string token, int runs, TextWriter output)
    {
        var gatewayLive = new List<double>();
        var gatewayCpu = new List<double>();
        var gatewayPing = new List<double>();
        var baselineLive = new List<double>();
        var baselineCpu = new List<double>();
        // One unmeasured start of each first: the page cache then holds both, as it does for every measured start.
        await StartAsync(baseline, connection, token, ping: false);
        await StartAsync(gateway, connection, token, ping: true);
        for (var run = 0; run < runs; run++)
        {
            var (live, cpu, ping) = await StartAsync(gateway, connection, token, ping: true);
            gatewayLive.Add(live);
            gatewayCpu.Add(cpu);
            gatewayPing.Add(ping);
            var bare = await StartAsync(baseline, connection, token, ping: false);
            baselineLive.Add(bare.Live);
            baselineCpu.Add(bare.LiveCpu);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"coldstart_runs {runs}\ngateway_live_ms {Median(gatewayLive):F0}\ngateway_ping_ms {Median(gatewayPing):F0}\nbaseline_live_ms {Median(baselineLive):F0}\n" +
            $"gateway_live_cpu_ms {Median(gatewayCpu):F0}\nbaseline_live_cpu_ms {Median(baselineCpu):F0}\n" +
            $"gateway_live_all {string.Join(',', gatewayLive.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}\n" +
            $"baseline_live_all {string.Join(',', baselineLive.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}"));
        return 0;
    }

    private static async Task<(double Live, double LiveCpu, double Ping)> StartAsync(string executable, string connection, string token, bool ping)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["AzureWebJobsStorage"] = connection;
        start.Environment["RhoConnect__ApiTokens"] = token;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            await UntilOkAsync(process, clock, () => new HttpRequestMessage(HttpMethod.Get, "/healthz/live"));
            var live = clock.Elapsed.TotalMilliseconds;
            // What the process itself spent to get there: on a loaded machine far steadier than the wall clock.
            var cpu = process.TotalProcessorTime.TotalMilliseconds;
            if (!ping)
            {
                return (live, cpu, 0);
            }

            await UntilOkAsync(process, clock, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/rc/v1/users/ping") { Content = new FormUrlEncodedContent([new("user_id", "coldstart"), new("message", "first")]) };
                request.Headers.Add("X-RhoConnect-API-TOKEN", token);
                return request;
            });
            return (live, cpu, clock.Elapsed.TotalMilliseconds);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        async Task UntilOkAsync(Process started, Stopwatch elapsed, Func<HttpRequestMessage> request)
        {
            while (true)
            {
                if (started.HasExited || elapsed.Elapsed > Deadline)
                {
                    throw new InvalidOperationException($"{executable} did not answer within {Deadline.TotalSeconds} s (exited: {started.HasExited}).");
                }

                try
                {
                    using var message = request();
                    using var response = await http.SendAsync(message);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet: ask again at once, the way the host polls a starting handler.
                }

                await Task.Delay(1);
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

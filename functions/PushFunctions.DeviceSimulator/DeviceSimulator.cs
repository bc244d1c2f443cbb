using System.Net;
using System.Text.Json;

namespace PushFunctions.DeviceSimulator;

/// <summary>
/// Connects like a Rhodes device, registers with the gateway, then long-polls: every message is written to
/// <c>output</c> as one line of JSON and acknowledged on the next poll.
/// </summary>
public sealed class DeviceSimulator(HttpClient http, SimulatorArguments arguments, TextWriter output, TextWriter log)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Runs until cancelled, until <see cref="SimulatorArguments.Messages"/> have arrived, or until the registration is gone.</summary>
    /// <returns>The process exit code.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var relay = new RelayDeviceClient(http, arguments.Relay, arguments.User, arguments.Password);
        var token = await relay.ConnectAsync(arguments.App, cancellationToken);
        var gateway = new GatewayRegistrationClient(http, arguments.Gateway);
        var clientId = await gateway.RegisterAsync(arguments.User, arguments.Password, arguments.ApiToken, arguments.App, token, cancellationToken);
        await log.WriteLineAsync($"registered client {clientId} ({arguments}); waiting for messages");

        long? lastMessage = null;
        var received = 0;
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpResponseMessage response;
            try
            {
                response = await relay.PollAsync(lastMessage, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                await log.WriteLineAsync($"relay unreachable ({exception.Message}); retrying in {backoff.TotalSeconds:0}s");
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }

            using (response)
            {
                backoff = TimeSpan.FromSeconds(1);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        var body = await response.Content.ReadAsStringAsync(cancellationToken);
                        using (var document = JsonDocument.Parse(body))
                        {
                            lastMessage = document.RootElement.GetProperty("id").GetInt64();
                            await output.WriteLineAsync(JsonSerializer.Serialize(document.RootElement));
                            await output.FlushAsync(cancellationToken);
                        }

                        if (++received == arguments.Messages)
                        {
                            await AcknowledgeAsync(relay, lastMessage.Value, cancellationToken);
                            return 0;
                        }

                        break;
                    case HttpStatusCode.NoContent:
                        break;
                    case HttpStatusCode.Unauthorized:
                        await relay.RefreshCookieAsync(cancellationToken);
                        break;
                    default:
                        await log.WriteLineAsync($"the relay answered {(int)response.StatusCode}: the registration is gone");
                        return 1;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// Acknowledges the last message before leaving, so it is not delivered again: the relay acknowledges as soon as the
    /// poll arrives, so the poll need not be held to its end.
    /// </summary>
    private static async Task AcknowledgeAsync(RelayDeviceClient relay, long lastMessage, CancellationToken cancellationToken)
    {
        using var brief = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        brief.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            using var response = await relay.PollAsync(lastMessage, brief.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing else was queued: the poll was held, and the acknowledgement already done.
        }
    }
}

using System.Text;
using Azure;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Gateway.Health;

namespace PushFunctions.Gateway.Channels.RhoConnectPush;

/// <summary>
/// Sends <c>rhoconnect_push</c> devices their payload through the RPS relay, and maps the relay's answers to outcomes
/// (spec: payloads.md): 204/200 sent; 400 failed, not retried; 401 the app credentials are wrong, which no retry fixes:
/// failed, logged once, /healthz unhealthy; 404 the device's token is unknown: its registration is marked invalid;
/// 5xx and no answer are retried by the client's pipeline, then deferred to the ping's next attempt.
/// </summary>
public sealed partial class RhoConnectPushChannel(RelayClient relay, ChannelHealth health, ILogger<RhoConnectPushChannel> logger) : PerDeviceChannel(logger)
{
    public const string CredentialsRejected = "relay credentials rejected";
    public const string RelayUnreachable = "relay unreachable after retries";

    public override string Name => "rhoconnect_push";

    public override bool Serves(Platform platform) => platform == Platform.RhoConnectPush;

    protected override async Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        Response response;
        try
        {
            response = await relay.SendMessageAsync(send.Target.Handle, Encoding.UTF8.GetBytes(send.Payload.Body), cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            // Azure.Core reports retries exhausted on transport failures as an AggregateException of them.
            LogRelayUnreachable(logger, e, send.Ping.ToString(), send.Target.Client.ClientId);
            return send.Outcome(OutcomeStatus.Deferred, RelayUnreachable);
        }

        using var answer = response;
        switch (response.Status)
        {
            case 200 or 204:
                health.ReportWorking(Name);
                return send.Outcome(OutcomeStatus.Sent);
            case 401:
                if (health.ReportProblem(Name, CredentialsRejected))
                {
                    LogCredentialsRejected(logger, send.Ping.ToString());
                }

                return send.Outcome(OutcomeStatus.Failed, CredentialsRejected);
            case 404:
                return send.Outcome(OutcomeStatus.Failed, OutcomeReasons.HandleGone);
            case 400:
                return send.Outcome(OutcomeStatus.Failed, "relay rejected the message (400)");
            case 408 or 429 or >= 500:
                return send.Outcome(OutcomeStatus.Deferred, $"relay answered {response.Status} after retries");
            default:
                return send.Outcome(OutcomeStatus.Failed, $"relay answered {response.Status}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The RPS relay rejected the app credentials (401) sending ping {PingId}: check Rps:AppName and Rps:AppPassword. Relay sends fail until they are fixed.")]
    private static partial void LogCredentialsRejected(ILogger logger, string pingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The RPS relay did not answer, after retries, sending ping {PingId} to client {ClientId}")]
    private static partial void LogRelayUnreachable(ILogger logger, Exception exception, string pingId, string clientId);
}

using Azure.Core;

namespace PushFunctions.Import.Source;

/// <summary>
/// Which answers are worth another try: a timeout (408), throttling (429), and a proxy or server that is down or
/// overloaded (502, 503, 504). Not 500: RhoConnect answers 500 whenever its handler raises, which is how it answers an
/// id it does not know (<c>Client.load</c> returns nil and <c>to_array</c> raises, in
/// rhoconnect's lib/rhoconnect/controller/clients_controller.rb), so asking again only repeats the same answer.
/// </summary>
internal sealed class RhoConnectResponseClassifier : ResponseClassifier
{
    public static RhoConnectResponseClassifier Instance { get; } = new();

    public override bool IsRetriableResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Response.Status is 408 or 429 or 502 or 503 or 504;
    }
}

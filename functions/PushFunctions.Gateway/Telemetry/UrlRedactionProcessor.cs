using System.Diagnostics;
using OpenTelemetry;

namespace PushFunctions.Gateway.Telemetry;

/// <summary>
/// Keeps paths and query strings out of exported spans, whoever made them (ASP.NET Core, HttpClient, the Azure SDK's
/// own HTTP spans): an outgoing call's <c>url.full</c> keeps only the service (scheme, host, port), because the relay's
/// paths end in a device token (<c>messageQueue/{token}</c>); an incoming request loses <c>url.query</c>, which can hold
/// the <c>api_token</c> parameter. Runs before the exporters, at a span's start and again at its end.
/// </summary>
public sealed class UrlRedactionProcessor : BaseProcessor<Activity>
{
    private const string FullUrl = "url.full";
    private const string Query = "url.query";

    public override void OnStart(Activity data) => Redact(data);

    public override void OnEnd(Activity data) => Redact(data);

    private static void Redact(Activity activity)
    {
        if (activity.GetTagItem(FullUrl) is string full)
        {
            activity.SetTag(FullUrl, Uri.TryCreate(full, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) + "/" : null);
        }

        if (activity.GetTagItem(Query) is not null)
        {
            activity.SetTag(Query, null);
        }
    }
}

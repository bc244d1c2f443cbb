using System.Globalization;
using PushFunctions.Gateway.Delivery;

namespace PushFunctions.Gateway.Retention;

/// <summary>
/// The ExpirePings timer function under the Functions host, which POSTs each occurrence to <c>/ExpirePings</c>
/// (a timer is a singleton across the app's instances: the host holds a blob lease while it runs). Mapped only under the
/// host, like the delivery functions; standalone, <see cref="PingExpiryService"/> runs the same pass on an interval.
/// A failed pass answers non-2xx: the host logs the invocation as failed and the next occurrence tries again.
/// </summary>
public static class RetentionFunctionEndpoints
{
    public const string ExpiryFunction = "ExpirePings";

    public static void MapRetentionFunctionEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/" + ExpiryFunction, ExpireAsync);

    private static async Task<IResult> ExpireAsync(HttpRequest request, PingExpiry expiry, CancellationToken cancellationToken)
    {
        var (invocation, refusal) = await TimerInvocation.ReadAsync(request, cancellationToken);
        if (invocation is null)
        {
            return Results.Text(refusal, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var pass = await expiry.RunAsync(cancellationToken);
        // The host writes these lines as the invocation's own log (InvocationResult.Logs).
        return Results.Json(new InvocationResult
        {
            Logs =
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"{(invocation.PastDue ? "Past due; " : string.Empty)}removed {pass.EnvelopesRemoved} expired envelopes ({pass.RowsRemoved} rows, {pass.BlobsRemoved} stored bodies), kept {pass.EnvelopesKept} still deliverable{(pass.Finished ? string.Empty : "; more remain for the next occurrence")}"),
            ],
        });
    }
}

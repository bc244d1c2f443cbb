using System.Globalization;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Registration;

namespace PushFunctions.Gateway.Status;

/// <summary>
/// GET /rc/v1/pings/{ping_id}: the ping's state, its counts over every candidate device, and the devices' outcomes a page
/// at a time (<c>page_size</c>, at most <see cref="MaxPageSize"/>; the answer's <c>next</c> reads the following page).
/// A ping to at most <see cref="DefaultPageSize"/> devices is answered whole, as before there were pages.
/// </summary>
public static class PingStatusEndpoints
{
    public const int DefaultPageSize = 1000;
    public const int MaxPageSize = 1000;

    public static void MapPingStatusEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/rc/v1/pings/{ping_id}", GetAsync);

    private static async Task<IResult> GetAsync(
        string ping_id, HttpRequest request, CallerAuthenticator authenticator, PingStatusStore store, CancellationToken cancellationToken)
    {
        var (_, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!caller!.HasApiToken)
        {
            return RhoConnectApi.BackendOnly;
        }

        return await AnswerPageAsync(ping_id, request, store, DefaultPageSize, RhoConnectApi.Text("Unknown ping", StatusCodes.Status404NotFound), cancellationToken);
    }

    /// <summary>
    /// The status document with the page of devices the request's query asks for (the console's JSON reads the same);
    /// <paramref name="unknown"/> when there is no such ping, 400 when the query is not one a page could give.
    /// </summary>
    public static async Task<IResult> AnswerPageAsync(
        string pingId, HttpRequest request, PingStatusStore store, int defaultPageSize, IResult unknown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        if (!PingId.TryParse(pingId, out var id))
        {
            return unknown;
        }

        if (ReadPage(request.Query, defaultPageSize) is not ({ } pageSize, var after))
        {
            return RhoConnectApi.Text(
                $"page_size must be a whole number from 1 to {MaxPageSize}, and continuation the one a previous page's next gave", StatusCodes.Status400BadRequest);
        }

        return await store.GetPageAsync(id, after, pageSize, cancellationToken) is { } page
            ? Results.Json(PingStatusDocument.From(page, NextLink(request.Path, page.Continuation, pageSize)))
            : unknown;
    }

    /// <summary>The page a query asks for (<c>page_size</c>, <c>continuation</c>); a null size when either is not valid.</summary>
    private static (int? PageSize, OutcomeCursor? After) ReadPage(IQueryCollection query, int defaultPageSize)
    {
        var pageSize = defaultPageSize;
        if (query.TryGetValue("page_size", out var size)
            && (size.Count != 1 || !int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            return (null, null);
        }

        if (!query.TryGetValue("continuation", out var continuation))
        {
            return (pageSize, null);
        }

        return continuation.Count == 1 && OutcomeCursor.TryParse(continuation[0], out var cursor) ? (pageSize, cursor) : (null, null);
    }

    /// <summary>The same path with the next page's query, or null when there is no next page.</summary>
    private static string? NextLink(PathString path, string? continuation, int pageSize) =>
        continuation is null
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{path}?page_size={pageSize}&continuation={Uri.EscapeDataString(continuation)}");
}

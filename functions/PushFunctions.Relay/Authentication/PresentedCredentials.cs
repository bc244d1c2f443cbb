using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PushFunctions.Relay.Authentication;

/// <summary>The credential headers a caller sent, as they arrived.</summary>
public sealed record PresentedCredentials(string? Authorization, string? Cookie)
{
    public BasicCredentials? Basic { get; } = BasicCredentials.Parse(Authorization);

    public bool IsEmpty => string.IsNullOrEmpty(Authorization) && string.IsNullOrEmpty(Cookie);

    public static PresentedCredentials From(HttpRequest request) =>
        new(NullIfEmpty(request.Headers[HeaderNames.Authorization].ToString()), NullIfEmpty(request.Headers[HeaderNames.Cookie].ToString()));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

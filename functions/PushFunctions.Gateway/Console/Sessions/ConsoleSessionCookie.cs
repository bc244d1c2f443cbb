using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Sessions;

namespace PushFunctions.Gateway.Console.Sessions;

/// <summary>
/// The console's sign-in cookie: signed like a device session, with a key derived from the session secret for the
/// console alone, so neither kind of session is accepted as the other. HttpOnly, SameSite=Strict, Secure over HTTPS,
/// sent only to the console's paths.
/// </summary>
public sealed class ConsoleSessionCookie(IOptions<RhoConnectOptions> rhoConnect, IOptions<ConsoleOptions> console, TimeProvider time)
{
    public const string Name = "pushfunctions_console";
    public const string Subject = "operator";

    private readonly SessionSigner _signer = new(SessionSigner.SecretsOf(rhoConnect.Value.SessionSecret).Select(DeriveKey).ToArray(), time);

    public bool IsEnabled => _signer.IsEnabled;

    public void Append(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var expires = time.GetUtcNow() + console.Value.SessionLifetime;
        response.Cookies.Append(Name, _signer.Issue(Subject, expires), Options(response.HttpContext.Request, expires));
    }

    public static void Delete(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(Name, Options(response.HttpContext.Request, expires: null));
    }

    /// <summary>Whether the request carries a valid, unexpired console session.</summary>
    public bool IsSignedIn(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _signer.Validate(request.Cookies[Name]) == Subject;
    }

    private static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = ConsoleRoutes.Root,
        Expires = expires,
        IsEssential = true,
    };

    private static byte[] DeriveKey(byte[] secret) => HMACSHA256.HashData(secret, "PushFunctions console session"u8);
}

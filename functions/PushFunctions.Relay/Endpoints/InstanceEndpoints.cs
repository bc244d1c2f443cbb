using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using PushFunctions.Relay.Authentication;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Security;

namespace PushFunctions.Relay.Endpoints;

/// <summary>
/// <c>POST /instanceId</c>, <c>GET</c> and <c>DELETE /instanceId/{instance}</c>. An instance id is a value signed for its
/// user and costs nothing to issue, as in the original server; the relay keeps state for it from its first registration.
/// </summary>
public sealed class InstanceEndpoints(IDeviceAuthenticator authenticator, DeviceDirectory directory, RelaySigner signer)
{
    public const string CookieName = "instance";

    public async Task CreateAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context) is not { } user)
        {
            return;
        }

        await Answers.JsonPropertyAsync(context, StatusCodes.Status200OK, "instance", signer.Issue(SignedPurpose.Instance, user));
    }

    /// <summary>Issues a fresh instance cookie on every call; the cookie, not the id, is what later calls present.</summary>
    public async Task IssueCookieAsync(HttpContext context, string instanceId)
    {
        if (await AuthenticateAsync(context) is not { } user)
        {
            return;
        }

        if (!signer.Verify(SignedPurpose.Instance, user, instanceId))
        {
            Answers.Status(context, StatusCodes.Status404NotFound);
            return;
        }

        if (FindOwned(instanceId, user) is { } instance)
        {
            await directory.TouchAsync(instance, context.RequestAborted);
        }

        var cookie = signer.Issue(SignedPurpose.InstanceCookie, instanceId);
        context.Response.Headers[HeaderNames.SetCookie] = $"{CookieName}={cookie}; Path=/; HttpOnly";
        Answers.Status(context, StatusCodes.Status204NoContent);
    }

    public async Task DeleteAsync(HttpContext context, string instanceId)
    {
        if (await AuthenticateAsync(context) is not { } user)
        {
            return;
        }

        var removed = FindOwned(instanceId, user) is { } instance && await directory.RemoveInstanceAsync(instance, context.RequestAborted);
        Answers.Status(context, removed ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound);
    }

    /// <summary>The instance's state, when the id was issued to this user (or, cookie-only, to nobody) and it has registered.</summary>
    private DeviceInstance? FindOwned(string instanceId, string user) =>
        signer.Verify(SignedPurpose.Instance, user, instanceId) && directory.Find(instanceId) is { } instance && (user.Length == 0 || instance.User == user)
            ? instance
            : null;

    /// <summary>The authenticated user, or null once a 401 or 503 has been set.</summary>
    private async Task<string?> AuthenticateAsync(HttpContext context)
    {
        var result = await authenticator.AuthenticateDeviceAsync(PresentedCredentials.From(context.Request), context.RequestAborted);
        return DeviceAuthentication.Answer(context, result);
    }
}

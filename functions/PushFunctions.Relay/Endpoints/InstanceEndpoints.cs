using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using PushFunctions.Relay.Authentication;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Security;

namespace PushFunctions.Relay.Endpoints;

/// <summary><c>POST /instanceId</c>, <c>GET</c> and <c>DELETE /instanceId/{instance}</c>.</summary>
public sealed class InstanceEndpoints(IDeviceAuthenticator authenticator, DeviceDirectory directory, RelaySigner signer)
{
    public const string CookieName = "instance";

    public async Task CreateAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context) is not { } user)
        {
            return;
        }

        var instance = await directory.CreateInstanceAsync(user, context.RequestAborted);
        await Answers.JsonPropertyAsync(context, StatusCodes.Status200OK, "instance", instance.Id);
    }

    /// <summary>Issues a fresh instance cookie on every call; the cookie, not the id, is what later calls present.</summary>
    public async Task IssueCookieAsync(HttpContext context, string instanceId)
    {
        if (await AuthenticateAsync(context) is not { } user)
        {
            return;
        }

        if (FindOwned(instanceId, user) is not { } instance)
        {
            Answers.Status(context, StatusCodes.Status404NotFound);
            return;
        }

        await directory.TouchAsync(instance, context.RequestAborted);
        var cookie = signer.Issue(SignedPurpose.InstanceCookie, instance.Id);
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

    private DeviceInstance? FindOwned(string instanceId, string user) =>
        signer.Verify(SignedPurpose.Instance, user, instanceId) && directory.Find(instanceId) is { } instance && instance.User == user
            ? instance
            : null;

    /// <summary>The authenticated user, or null once a 401 or 503 has been set.</summary>
    private async Task<string?> AuthenticateAsync(HttpContext context)
    {
        var result = await authenticator.AuthenticateDeviceAsync(PresentedCredentials.From(context.Request), context.RequestAborted);
        return DeviceAuthentication.Answer(context, result);
    }
}

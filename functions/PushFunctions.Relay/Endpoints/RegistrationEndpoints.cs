using Microsoft.AspNetCore.Http;
using PushFunctions.Relay.Authentication;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Security;

namespace PushFunctions.Relay.Endpoints;

/// <summary>
/// <c>PUT</c>, <c>GET</c> and <c>DELETE /registrations/{instance}/{user}/{appName}</c>: each needs the instance cookie and
/// the device authenticator's yes, as in the original server (a cookie never expires, so it alone cannot keep a revoked
/// user registering).
/// </summary>
public sealed class RegistrationEndpoints(IDeviceAuthenticator authenticator, DeviceDirectory directory, RelaySigner signer)
{
    /// <summary>Longest user or app name accepted in the path.</summary>
    public const int MaxNameLength = 256;

    public async Task PutAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (await AuthorizeAsync(context, instanceId, user, appName) is not { } instance)
        {
            return;
        }

        await directory.TouchAsync(instance, context.RequestAborted);
        if (await directory.RegisterAsync(instance, user, appName, context.RequestAborted) is not { } registration)
        {
            Answers.Status(context, StatusCodes.Status404NotFound);
            return;
        }

        await Answers.JsonPropertyAsync(context, StatusCodes.Status201Created, "token", registration.Token);
    }

    public async Task GetAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (await AuthorizeAsync(context, instanceId, user, appName) is not { } instance)
        {
            return;
        }

        await directory.TouchAsync(instance, context.RequestAborted);
        if (await directory.FindRegistrationAsync(instance, appName, context.RequestAborted) is { } registration && registration.User == user)
        {
            await Answers.JsonPropertyAsync(context, StatusCodes.Status200OK, "token", registration.Token);
            return;
        }

        Answers.Status(context, StatusCodes.Status404NotFound);
    }

    public async Task DeleteAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (await AuthorizeAsync(context, instanceId, user, appName) is not { } instance)
        {
            return;
        }

        var removed = await directory.FindRegistrationAsync(instance, appName, context.RequestAborted) is { } registration
            && registration.User == user
            && await directory.UnregisterAsync(instance, appName, context.RequestAborted);
        Answers.Status(context, removed ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// The instance, when the caller holds its cookie, the authenticator accepts the caller's credentials, and (when Basic
    /// credentials are sent, or the instance was issued to a user) they name the URL's user; otherwise sets 400, 401, 503
    /// or 404 and returns null. The cookie is checked first, as the original does, so a request without one costs no
    /// authenticator call.
    /// </summary>
    private async Task<DeviceInstance?> AuthorizeAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (user.Length > MaxNameLength || appName.Length > MaxNameLength)
        {
            Answers.Status(context, StatusCodes.Status400BadRequest);
            return null;
        }

        if (!signer.Verify(SignedPurpose.InstanceCookie, instanceId, context.Request.Cookies[InstanceEndpoints.CookieName]))
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return null;
        }

        var credentials = PresentedCredentials.From(context.Request);
        var result = await authenticator.AuthenticateDeviceAsync(credentials, context.RequestAborted);
        if (DeviceAuthentication.Answer(context, result) is null)
        {
            return null;
        }

        if (credentials.Basic is { } basic && basic.User != user)
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return null;
        }

        if (directory.Find(instanceId) is not { } instance)
        {
            Answers.Status(context, StatusCodes.Status404NotFound);
            return null;
        }

        if (instance.User.Length > 0 && instance.User != user)
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return null;
        }

        return instance;
    }
}

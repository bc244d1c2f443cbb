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
        if (!await AuthorizeAsync(context, instanceId, user, appName))
        {
            return;
        }

        var (outcome, registration) = await directory.RegisterAsync(instanceId, user, appName, context.RequestAborted);
        switch (outcome)
        {
            case RegisterOutcome.Registered:
                if (directory.Find(instanceId) is { } instance)
                {
                    await directory.TouchAsync(instance, context.RequestAborted);
                }

                await Answers.JsonPropertyAsync(context, StatusCodes.Status201Created, "token", registration!.Token);
                break;
            case RegisterOutcome.TooManyInstances:
                Answers.Status(context, StatusCodes.Status403Forbidden);
                break;
            default:
                Answers.Status(context, StatusCodes.Status401Unauthorized);
                break;
        }
    }

    public async Task GetAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (!await AuthorizeAsync(context, instanceId, user, appName))
        {
            return;
        }

        if (FindOwned(instanceId, user) is { } instance
            && await directory.FindRegistrationAsync(instance, appName, context.RequestAborted) is { } registration)
        {
            await directory.TouchAsync(instance, context.RequestAborted);
            await Answers.JsonPropertyAsync(context, StatusCodes.Status200OK, "token", registration.Token);
            return;
        }

        Answers.Status(context, StatusCodes.Status404NotFound);
    }

    public async Task DeleteAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (!await AuthorizeAsync(context, instanceId, user, appName))
        {
            return;
        }

        var removed = FindOwned(instanceId, user) is { } instance && await directory.UnregisterAsync(instance, appName, context.RequestAborted);
        Answers.Status(context, removed ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// True when the caller holds the instance's cookie, the authenticator accepts the caller's credentials, Basic
    /// credentials (when sent) name the URL's user, and the instance id was issued to that user (or, to a device the
    /// delegate accepted by cookie alone, to nobody); otherwise sets 400, 401 or 503 and returns false. The cookie is
    /// checked first, as the original does, so a request without one costs no authenticator call.
    /// </summary>
    private async Task<bool> AuthorizeAsync(HttpContext context, string instanceId, string user, string appName)
    {
        if (user.Length > MaxNameLength || appName.Length > MaxNameLength)
        {
            Answers.Status(context, StatusCodes.Status400BadRequest);
            return false;
        }

        if (!signer.Verify(SignedPurpose.InstanceCookie, instanceId, context.Request.Cookies[InstanceEndpoints.CookieName]))
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return false;
        }

        var credentials = PresentedCredentials.From(context.Request);
        var result = await authenticator.AuthenticateDeviceAsync(credentials, context.RequestAborted);
        if (DeviceAuthentication.Answer(context, result) is null)
        {
            return false;
        }

        if ((credentials.Basic is { } basic && basic.User != user)
            || !(signer.Verify(SignedPurpose.Instance, user, instanceId) || signer.Verify(SignedPurpose.Instance, "", instanceId)))
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return false;
        }

        return true;
    }

    private DeviceInstance? FindOwned(string instanceId, string user) =>
        directory.Find(instanceId) is { } instance && instance.User == user ? instance : null;
}

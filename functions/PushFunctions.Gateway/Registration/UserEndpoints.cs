using PushFunctions.Azure.Stores;
using PushFunctions.Core.Contract;
using PushFunctions.Core.Users;
using PushFunctions.Gateway.Api;

namespace PushFunctions.Gateway.Registration;

/// <summary>RhoConnect's user routes: list, create (with a password for device login), delete, list clients.</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/rc/v1/users", ListAsync);
        app.MapPost("/rc/v1/users", CreateAsync);
        app.MapDelete("/rc/v1/users/{user_id}", DeleteAsync);
        app.MapGet("/rc/v1/users/{user_id}/clients", ListClientsAsync);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, CallerAuthenticator authenticator, UserStore users, CancellationToken cancellationToken)
    {
        var (_, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        return caller!.HasApiToken ? Results.Json(await users.ListLoginsAsync(cancellationToken)) : RhoConnectApi.BackendOnly;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, CallerAuthenticator authenticator, UserStore users, CancellationToken cancellationToken)
    {
        var (parameters, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!caller!.HasApiToken)
        {
            return RhoConnectApi.BackendOnly;
        }

        var attributes = parameters.Values.TryGetValue("attributes", out var value) && value.Properties is { } properties
            ? properties
            : parameters.Values;
        var login = attributes.TryGetValue("login", out var l) && l.IsScalarText ? l.Text : null;
        var password = attributes.TryGetValue("password", out var p) && p.IsScalarText ? p.Text : null;
        if (string.IsNullOrEmpty(login))
        {
            return RhoConnectApi.Text("attributes.login is required", StatusCodes.Status400BadRequest);
        }

        if (!TableKeys.IsStorable(login))
        {
            return RhoConnectApi.Text($"login is longer than {TableKeys.MaxIdLength} characters", StatusCodes.Status400BadRequest);
        }

        await users.SaveAsync(new UserRecord(login, string.IsNullOrEmpty(password) ? null : PasswordHasher.Hash(password)), cancellationToken);
        return RhoConnectApi.Text("User created");
    }

    private static async Task<IResult> DeleteAsync(
        string user_id, HttpRequest request, CallerAuthenticator authenticator, UserStore users, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        var (_, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        // As in RhoConnect, deleting a user is the backend's: a device session cannot remove its user and the other devices.
        if (!caller!.HasApiToken)
        {
            return RhoConnectApi.BackendOnly;
        }

        return await users.DeleteAsync(user_id, registrations, cancellationToken) ? RhoConnectApi.Text("User deleted") : RhoConnectApi.UnknownUser;
    }

    private static async Task<IResult> ListClientsAsync(
        string user_id, HttpRequest request, CallerAuthenticator authenticator, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        if (await RhoConnectApi.BeginForUserAsync(request, authenticator, user_id, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var devices = await registrations.GetUserDevicesAsync(user_id, cancellationToken);
        return devices.Exists ? Results.Json(devices.Clients.Select(c => c.ClientId)) : RhoConnectApi.UnknownUser;
    }
}

using PushFunctions.Azure.Stores;
using PushFunctions.Core.Registrations;
using PushFunctions.Gateway.Api;

namespace PushFunctions.Gateway.Registration;

/// <summary>RhoConnect's client routes: create a client id, register its device fields, read and delete it.</summary>
public static class ClientEndpoints
{
    public const string ClientIdHeader = "X-RhoConnect-CLIENT-ID";

    public static void MapClientEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/rc/v1/clients", CreateAsync);
        app.MapPost("/rc/v1/clients/{client_id}/register", RegisterAsync);
        app.MapGet("/rc/v1/clients/{client_id}", GetAsync);
        app.MapDelete("/rc/v1/users/{user_id}/clients/{client_id}", DeleteAsync);
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, CallerAuthenticator authenticator, UserStore users, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        var (parameters, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var userId = parameters.Text("user_id") ?? caller!.SessionUser;
        if (string.IsNullOrEmpty(userId))
        {
            return RhoConnectApi.Text("user_id is required", StatusCodes.Status400BadRequest);
        }

        if (!caller!.MayActFor(userId))
        {
            return RhoConnectApi.Forbidden;
        }

        if (await users.GetAsync(userId, cancellationToken) is null)
        {
            return RhoConnectApi.UnknownUser;
        }

        var client = await registrations.CreateAsync(userId, cancellationToken);
        return Results.Json(new { client = new { client_id = client.ClientId } });
    }

    private static async Task<IResult> RegisterAsync(
        string client_id, HttpRequest request, CallerAuthenticator authenticator, UserStore users, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        var (parameters, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var clientId = request.Headers[ClientIdHeader].FirstOrDefault(h => !string.IsNullOrEmpty(h)) ?? client_id;
        var fields = DeviceFields.All
            .Where(name => parameters.Text(name) is not null)
            .ToDictionary(name => name, name => parameters.Text(name)!, StringComparer.Ordinal);
        if (fields.FirstOrDefault(field => field.Value.Length > RegistrationStore.MaxFieldLength).Key is { } tooLong)
        {
            return RhoConnectApi.Text($"{tooLong} is longer than {RegistrationStore.MaxFieldLength} characters", StatusCodes.Status400BadRequest);
        }

        var userId = parameters.Text("user_id");
        if (caller!.SessionUser is { } sessionUser)
        {
            return userId is null || userId == sessionUser
                ? await RegisterForSessionAsync(sessionUser, clientId, fields, users, registrations, cancellationToken)
                : RhoConnectApi.Forbidden;
        }

        if (userId is not null && await users.GetAsync(userId, cancellationToken) is null)
        {
            return RhoConnectApi.UnknownUser;
        }

        // The API token may name any user: a client of another user moves to it (spec: "Device registration").
        return await registrations.RegisterAsync(clientId, userId, fields, cancellationToken) is null ? RhoConnectApi.UnknownClient : Results.Ok();
    }

    /// <summary>
    /// A device session registers only its own user's clients: another user's client is refused and stays where it is.
    /// A client id nobody has is created for the session's user, as RhoConnect's register does for a logged-in device,
    /// so a device that keeps the client id RhoConnect gave it registers without creating a client first.
    /// </summary>
    private static async Task<IResult> RegisterForSessionAsync(
        string sessionUser, string clientId, Dictionary<string, string> fields, UserStore users, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        if (await users.GetAsync(sessionUser, cancellationToken) is null)
        {
            return RhoConnectApi.UnknownUser;
        }

        var owner = await registrations.FindUserAsync(clientId, cancellationToken);
        if (owner is not null && owner != sessionUser)
        {
            return RhoConnectApi.Forbidden;
        }

        // Null keeps the client's user: a session never moves a client, even one moved away since it was read.
        if (owner is not null && await registrations.RegisterAsync(clientId, null, fields, cancellationToken) is not null)
        {
            return Results.Ok();
        }

        if (!RegistrationStore.IsClientId(clientId))
        {
            return RhoConnectApi.Text("client_id must be 32 lowercase hexadecimal characters, as RhoConnect issues them", StatusCodes.Status400BadRequest);
        }

        // Null: another user's request created this id first.
        return await registrations.CreateAsync(sessionUser, clientId, fields, cancellationToken) is null ? RhoConnectApi.Forbidden : Results.Ok();
    }

    private static async Task<IResult> GetAsync(
        string client_id, HttpRequest request, CallerAuthenticator authenticator, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        var (_, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var client = await registrations.GetAsync(client_id, cancellationToken);
        if (client is null)
        {
            return RhoConnectApi.UnknownClient;
        }

        if (!caller!.MayActFor(client.UserId))
        {
            return RhoConnectApi.Forbidden;
        }

        return Results.Json(DeviceFields.All
            .Select(name => (Name: name, Value: DeviceFields.Get(client, name)))
            .Where(field => field.Value is not null)
            .Select(field => new { name = field.Name, value = field.Value, type = "string" }));
    }

    private static async Task<IResult> DeleteAsync(
        string user_id, string client_id, HttpRequest request, CallerAuthenticator authenticator, RegistrationStore registrations, CancellationToken cancellationToken)
    {
        if (await RhoConnectApi.BeginForUserAsync(request, authenticator, user_id, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return await registrations.DeleteAsync(user_id, client_id, cancellationToken) ? RhoConnectApi.Text("Client deleted") : RhoConnectApi.UnknownClient;
    }
}

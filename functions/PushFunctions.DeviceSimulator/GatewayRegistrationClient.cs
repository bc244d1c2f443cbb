using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PushFunctions.DeviceSimulator;

/// <summary>
/// Registers the device with the gateway as a <c>rhoconnect_push</c> client: with the API token (a backend acting for
/// the user) or with a device session from <c>POST /rc/v1/app/login</c>.
/// </summary>
public sealed class GatewayRegistrationClient(HttpClient http, Uri gateway)
{
    public const string ApiTokenHeader = "X-RhoConnect-API-TOKEN";
    private string? session;

    /// <summary>Creates a client id for the user and registers the relay token as its device pin; returns the client id.</summary>
    public async Task<string> RegisterAsync(string user, string password, string? apiToken, string appName, string relayToken, CancellationToken cancellationToken)
    {
        if (apiToken is null)
        {
            await LogInAsync(user, password, cancellationToken);
        }

        string clientId;
        using (var created = await SendAsync("rc/v1/clients", new Dictionary<string, string> { ["user_id"] = user }, apiToken, cancellationToken))
        {
            Expect(created, "POST /rc/v1/clients");
            using var document = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
            clientId = document.RootElement.GetProperty("client").GetProperty("client_id").GetString()!;
        }

        var fields = new Dictionary<string, string>
        {
            ["user_id"] = user,
            ["device_type"] = "ANDROID",
            ["device_push_type"] = "rhoconnect_push",
            ["device_pin"] = relayToken,
            ["device_app_id"] = appName,
        };
        using var registered = await SendAsync($"rc/v1/clients/{clientId}/register", fields, apiToken, cancellationToken);
        Expect(registered, "POST /rc/v1/clients/{id}/register");
        return clientId;
    }

    private async Task LogInAsync(string user, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(gateway, "rc/v1/app/login"), new { login = user, password }, cancellationToken);
        Expect(response, "POST /rc/v1/app/login");
        session = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(value => value.Split(';')[0]).FirstOrDefault(pair => pair.StartsWith("rhoconnect_session=", StringComparison.Ordinal))
            : null;
        if (session is null)
        {
            throw new HttpRequestException("The gateway's login set no rhoconnect_session cookie.");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, Dictionary<string, string> body, string? apiToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, path)) { Content = JsonContent.Create(body) };
        if (apiToken is not null)
        {
            request.Headers.Add(ApiTokenHeader, apiToken);
        }
        else if (session is not null)
        {
            request.Headers.Add("Cookie", session);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    private static void Expect(HttpResponseMessage response, string call)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{call} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }
}

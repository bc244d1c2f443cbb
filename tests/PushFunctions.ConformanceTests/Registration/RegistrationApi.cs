using System.Net;
using System.Text.Json;
using PushFunctions.ConformanceTests.Ping;

namespace PushFunctions.ConformanceTests.Registration;

/// <summary>Calls and answers of the RhoConnect client API, asserted the same way in every registration test.</summary>
internal static class RegistrationApi
{
    public static async Task<string> CreateClientAsync(GatewayFixture fixture, string userId)
    {
        using var response = await fixture.PostAsync("/rc/v1/clients", RawContent.Form($"user_id={userId}"));
        var body = await JsonAsync(response);
        return body.GetProperty("client").GetProperty("client_id").GetString()!;
    }

    public static async Task RegisterAsync(GatewayFixture fixture, string clientId, string formBody)
    {
        using var response = await fixture.PostAsync($"/rc/v1/clients/{clientId}/register", RawContent.Form(formBody));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>GET /rc/v1/clients/{id} as name → value.</summary>
    public static async Task<Dictionary<string, string?>> GetFieldsAsync(GatewayFixture fixture, string clientId)
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{clientId}");
        var fields = await JsonAsync(response);
        Assert.All(fields.EnumerateArray(), f => Assert.Equal("string", f.GetProperty("type").GetString()));
        return fields.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
    }

    public static async Task<List<string?>> ListClientsAsync(GatewayFixture fixture, string userId)
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/users/{userId}/clients");
        return (await JsonAsync(response)).EnumerateArray().Select(c => c.GetString()).ToList();
    }

    /// <summary>Asserts a 200 JSON answer and returns its document.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a 200 text/plain answer with exactly <paramref name="text"/>.</summary>
    public static async Task TextAsync(HttpResponseMessage response, string text)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(text, body);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Storage;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>
/// Storage answers that are not outages are not answered 503 "retry later", which would have backends retry forever:
/// input storage would refuse is a 400 naming it, a write that lost a race is a 409, anything else a 500 whose only detail
/// is the trace id it is logged under. Real outages stay 503 with Retry-After (and StorageOutageTests). Every storage
/// answer here is Azurite's own, provoked through the gateway; a proxy in front of Azurite only decides when a concurrent
/// request's write lands, and answers in the service's place for throttling, which Azurite does not do.
/// </summary>
public sealed partial class StorageErrorTests
{
    [Fact]
    public async Task A_device_field_too_long_for_storage_is_a_400_naming_the_field_not_a_503_inviting_endless_retries()
    {
        await using var gateway = await DeviceSessionGateway.StartAsync();
        var user = await gateway.CreateUserAsync("longpin");
        var client = await gateway.Host.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "short" });
        var session = await gateway.OpenSessionAsync(user);
        var tooLong = new string('a', 40_000);

        using var byBackend = await gateway.SendAsync(HttpMethod.Post, $"/rc/v1/clients/{client}/register", Form("device_pin", tooLong), token: true);
        var created = DeviceSessionGateway.NewClientId();
        using var byDevice = await gateway.SendAsync(HttpMethod.Post, $"/rc/v1/clients/{created}/register", Form("device_app_version", tooLong), session);

        foreach (var (response, field) in new[] { (byBackend, "device_pin"), (byDevice, "device_app_version") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal($"{field} is longer than 32768 characters", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("short", (await gateway.ReadClientAsync(client, user))?.Fields["device_pin"]);
        Assert.Null(await gateway.ReadClientAsync(created));
    }

    [Fact]
    public async Task A_json_string_no_string_can_hold_is_a_400_not_a_500()
    {
        await using var gateway = await DeviceSessionGateway.StartAsync();

        using var user = await gateway.SendAsync(HttpMethod.Post, "/rc/v1/users", Json("""{"attributes":{"login":"\ud800"}}"""), token: true);
        using var ping = await gateway.SendAsync(HttpMethod.Post, "/rc/v1/users/ping", Json("""{"user_id":"a\udc00b","message":"x"}"""), token: true);

        Assert.Equal(HttpStatusCode.BadRequest, user.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, ping.StatusCode);
    }

    [Fact]
    public async Task Storage_refusing_the_gateways_credentials_is_a_500_with_only_a_trace_id_not_a_503_inviting_endless_retries()
    {
        var wrongKey = Convert.ToBase64String(Encoding.ASCII.GetBytes(new string('k', 64)));
        var connection = AccountKey().Replace(AzuriteEnvironment.ConnectionString, $"AccountKey={wrongKey};");
        // Without the in-process queue consumer, which stops the process when it cannot open the queue.
        await using var gateway = await DeviceSessionGateway.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["PushQueue:InProcessConsumer"] = "false",
        });

        using var response = await gateway.SendAsync(HttpMethod.Get, "/rc/v1/users", token: true);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Retry-After"));
        var body = await response.Content.ReadAsStringAsync();
        var traceId = JsonDocument.Parse(body).RootElement.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        foreach (var detail in new[] { "Authorization", "devstoreaccount1", "Signature", "127.0.0.1", "Exception" })
        {
            Assert.DoesNotContain(detail, body, StringComparison.OrdinalIgnoreCase);
        }

        var logged = Assert.Single(gateway.Logs.Records, r => r.Level == LogLevel.Error && Equals(r.Value("TraceId"), traceId));
        Assert.Equal(403, Assert.IsType<RequestFailedException>(logged.Exception).Status);
    }

    [Fact]
    public async Task Two_backends_creating_the_same_user_at_once_get_a_409_and_neither_password_silently_replaces_the_other()
    {
        var login = DeviceSessionGateway.NewUserId("contested");
        DeviceSessionGateway gateway = null!;
        var armed = 0;
        await using var proxy = await TableStorageProxy.StartAsync(async context =>
        {
            if (IsWrite(context.Request, "Users") && Interlocked.Exchange(ref armed, 0) == 1)
            {
                // The other backend's create lands between this request's read of the user and its write.
                using var other = await gateway.SendAsync(HttpMethod.Post, "/rc/v1/users", CreateUser(login, "password-of-the-other-backend"), token: true);
                Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            }

            return false;
        });
        await using (gateway = await DeviceSessionGateway.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = proxy.ConnectionString }))
        {
            Volatile.Write(ref armed, 1);
            using var response = await gateway.SendAsync(HttpMethod.Post, "/rc/v1/users", CreateUser(login, "password-of-this-backend"), token: true);

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("traceId").GetString()));
            using var winner = await gateway.TryLoginAsync(login, "password-of-the-other-backend");
            using var loser = await gateway.TryLoginAsync(login, "password-of-this-backend");
            Assert.Equal(HttpStatusCode.OK, winner.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, loser.StatusCode);
        }
    }

    [Fact]
    public async Task A_session_that_loses_the_race_for_a_new_client_id_to_another_user_is_refused_and_moves_nothing()
    {
        var clientId = DeviceSessionGateway.NewClientId();
        DeviceSessionGateway gateway = null!;
        string bobSession = null!;
        var armed = 0;
        await using var proxy = await TableStorageProxy.StartAsync(async context =>
        {
            if (IsWrite(context.Request, "ClientIndex") && Interlocked.Exchange(ref armed, 0) == 1)
            {
                // Bob's device registers the same new id between Alice's lookup of it and her insert of it.
                using var bobs = await gateway.SendAsync(HttpMethod.Post, $"/rc/v1/clients/{clientId}/register", Form("device_pin", "bob-handle"), bobSession);
                Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
            }

            return false;
        });
        await using (gateway = await DeviceSessionGateway.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = proxy.ConnectionString }))
        {
            var (alice, bob) = (await gateway.CreateUserAsync("alice"), await gateway.CreateUserAsync("bob"));
            var aliceSession = await gateway.OpenSessionAsync(alice);
            bobSession = await gateway.OpenSessionAsync(bob);
            Volatile.Write(ref armed, 1);

            using var response = await gateway.SendAsync(HttpMethod.Post, $"/rc/v1/clients/{clientId}/register", Form("device_pin", "alice-handle"), aliceSession);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var client = await gateway.ReadClientAsync(clientId, alice, bob);
            Assert.Equal(bob, client?.User);
            Assert.Equal("bob-handle", client?.Fields["device_pin"]);
            Assert.Empty(await gateway.ListClientsAsync(alice));
        }
    }

    [Fact]
    public async Task Storage_throttling_is_still_a_503_with_retry_after()
    {
        var throttling = 0;
        await using var proxy = await TableStorageProxy.StartAsync(async context =>
        {
            if (Volatile.Read(ref throttling) == 0)
            {
                return false;
            }

            // Table Storage's documented answer when a partition or the account is over its scalability targets.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json;odata=nometadata;charset=utf-8";
            context.Response.Headers["x-ms-error-code"] = "ServerBusy";
            await context.Response.WriteAsync("""{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"The server is busy."}}}""");
            return true;
        });
        await using var gateway = await DeviceSessionGateway.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = proxy.ConnectionString });
        Volatile.Write(ref throttling, 1);

        using var response = await gateway.SendAsync(HttpMethod.Get, "/rc/v1/users", token: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    private static bool IsWrite(HttpRequest request, string table) =>
        request.Method is "POST" or "PUT" or "MERGE" or "PATCH" && request.Path.Value!.Split('/')[^1].Split('(')[0].EndsWith(table, StringComparison.Ordinal);

    private static FormUrlEncodedContent Form(string name, string value) => new([new(name, value)]);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static JsonContent CreateUser(string login, string password) => JsonContent.Create(new { attributes = new { login, password } });

    [GeneratedRegex("AccountKey=[^;]+;?")]
    private static partial Regex AccountKey();
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Users;
using PushFunctions.Testing;
using PushFunctions.Testing.Http;

namespace PushFunctions.IntegrationTests.Packaging;

/// <summary>
/// The relay as shipped: the Native AOT executable started on its own against Azurite, driven over HTTP the way a
/// device and the gateway drive it. The other relay tests host it in process (JIT); this one proves the trimmed,
/// AOT-compiled binary does the same, including reading its state back after a restart.
/// </summary>
public sealed class PublishedRelayTests(PublishedRelay published) : IClassFixture<PublishedRelay>
{
    private const string AppName = "aotapp";
    private const string AppPassword = "aot-app-password";
    private const string Password = "aot-device-password";

    [Fact]
    public void The_publish_is_one_native_executable_without_the_runtime_or_il_assemblies()
    {
        using var executable = File.OpenRead(published.Executable);
        var magic = new byte[4];
        executable.ReadExactly(magic);

        Assert.Equal("\u007fELF"u8.ToArray(), magic);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(published.Executable).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.Exists(Path.Combine(published.Directory, "PushFunctions.Relay.dll")));
        Assert.False(File.Exists(Path.Combine(published.Directory, "libcoreclr.so")));
    }

    [Fact]
    public async Task The_native_relay_registers_a_device_queues_messages_answers_polls_in_order_and_keeps_acknowledgements_over_a_restart()
    {
        var user = "aot-" + Guid.NewGuid().ToString("N")[..8];
        var usersTable = AzuriteEnvironment.NewTableName("AotUsers");
        var users = new UserStore(new TableClient(AzuriteEnvironment.ConnectionString, usersTable));
        await users.Table.CreateIfNotExistsAsync();
        await users.SaveAsync(new UserRecord(user, PasswordHasher.Hash(Password)));
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = AzuriteEnvironment.ConnectionString,
            ["Relay__Secret"] = "aot-relay-secret-0123456789abcdef0123456789",
            ["Relay__TablePrefix"] = AzuriteEnvironment.NewTableName("Aot")[..12],
            ["Relay__UsersTable"] = usersTable,
            ["Relay__Authenticator__Mode"] = "BuiltIn",
            [$"Relay__Apps__{AppName}"] = AppPassword,
            ["Relay__PollTimeout"] = "00:00:02",
        };

        string instance, cookie;
        await using (var relay = await StartAsync(published.Executable, settings))
        {
            using var created = await relay.Client.SendAsync(Request(HttpMethod.Post, "/instanceId", Basic(user, Password)));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            instance = await PropertyAsync(created, "instance");
            using var issued = await relay.Client.SendAsync(Request(HttpMethod.Get, $"/instanceId/{instance}", Basic(user, Password)));
            Assert.Equal(HttpStatusCode.NoContent, issued.StatusCode);
            cookie = issued.Headers.GetValues("Set-Cookie").Select(value => value.Split(';')[0]).Single(pair => pair.StartsWith("instance=", StringComparison.Ordinal));
            using var registered = await relay.Client.SendAsync(Request(HttpMethod.Put, $"/registrations/{instance}/{user}/{AppName}", Basic(user, Password), cookie));
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var token = await PropertyAsync(registered, "token");

            foreach (var alert in new[] { "first", "second" })
            {
                var post = Request(HttpMethod.Post, $"/messageQueue/{token}", Basic(AppName, AppPassword));
                post.Content = new StringContent($$$"""{"data":{"alert":"{{{alert}}}"}}""", Encoding.UTF8);
                post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var posted = await relay.Client.SendAsync(post);
                Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
            }

            var first = await ReceiveAsync(relay.Client, instance, cookie, lastMessage: null);
            // Polling with the id it received acknowledges that message, and answers the next one.
            var second = await ReceiveAsync(relay.Client, instance, cookie, first.Id);
            using var drained = await relay.Client.SendAsync(Request(HttpMethod.Get, $"/nextMessage/{instance}?lastMessage={second.Id}", cookie: cookie));

            Assert.Equal(("first", "second"), (first.Alert, second.Alert));
            Assert.True(second.Id > first.Id);
            Assert.Equal(HttpStatusCode.NoContent, drained.StatusCode);
            // As App Service stops it (SIGTERM): the relay releases its writer lease, so the next start need not wait.
            await relay.StopAsync();
        }

        // Started again, it reads the instance back from its tables and redelivers nothing that was acknowledged.
        await using (var restarted = await StartAsync(published.Executable, settings))
        {
            using var poll = await restarted.Client.SendAsync(Request(HttpMethod.Get, $"/nextMessage/{instance}", cookie: cookie));
            Assert.Equal(HttpStatusCode.NoContent, poll.StatusCode);
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static HttpRequestMessage Request(HttpMethod method, string path, AuthenticationHeaderValue? authorization = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private static async Task<string> PropertyAsync(HttpResponseMessage response, string name)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty(name).GetString()!;
    }

    private static async Task<(long Id, string Alert)> ReceiveAsync(HttpClient client, string instance, string cookie, long? lastMessage)
    {
        var query = lastMessage is null ? "" : string.Create(CultureInfo.InvariantCulture, $"?lastMessage={lastMessage}");
        using var response = await client.SendAsync(Request(HttpMethod.Get, $"/nextMessage/{instance}{query}", cookie: cookie));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (message.RootElement.GetProperty("id").GetInt64(), message.RootElement.GetProperty("data").GetProperty("alert").GetString()!);
    }

    /// <summary>The executable on a free loopback port, with the settings as environment variables.</summary>
    private static Task<LoopbackProcess> StartAsync(string executable, IReadOnlyDictionary<string, string> settings)
    {
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{LoopbackPorts.Free()}"));
        var start = new ProcessStartInfo(executable) { WorkingDirectory = Path.GetDirectoryName(executable)! };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        return LoopbackProcess.StartAsync("The published relay", start, baseAddress, "/healthz");
    }
}

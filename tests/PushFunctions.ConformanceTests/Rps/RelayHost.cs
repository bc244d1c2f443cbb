using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PushFunctions.Azure.Configuration;
using PushFunctions.Relay;
using PushFunctions.Testing;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>The relay app on real Kestrel (loopback, a free port) over tables in Azurite.</summary>
internal sealed class RelayHost : IAsyncDisposable
{
    public const string Secret = "conformance-test-secret-0123456789abcdefghij";

    private readonly WebApplication app;

    private RelayHost(WebApplication app, HttpClient client)
    {
        this.app = app;
        Client = client;
    }

    /// <summary>The relay's services (its meter factory, its lifetime).</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>A client that keeps no cookies of its own: tests send exactly the cookies the protocol says.</summary>
    public HttpClient Client { get; }

    public static async Task<RelayHost> StartAsync(RelayHostSettings settings)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            $"--{AzureClientRegistration.StorageConnection}={settings.StorageConnectionString}",
            $"--Relay:Secret={Secret}",
            $"--Relay:TablePrefix={settings.TablePrefix}",
            $"--Relay:PollTimeout={settings.PollTimeout:c}",
            $"--Relay:RegistrationLifetime={settings.RegistrationLifetime:c}",
            $"--Relay:ExpirySweepInterval={settings.ExpirySweepInterval:c}",
            $"--Relay:MaxQueuedMessages={settings.MaxQueuedMessages}",
            $"--Relay:MessageLifetime={settings.MessageLifetime:c}",
            $"--Relay:MaxInstancesPerUser={settings.MaxInstancesPerUser}",
            $"--Relay:LeaseDuration={settings.LeaseDuration:c}",
        };
        if (settings.CommitLinger is { } linger)
        {
            args.Add($"--Relay:CommitLinger={linger:c}");
        }

        if (settings.Delegate is { } login)
        {
            args.Add("--Relay:Authenticator:Mode=Delegate");
            args.Add($"--Relay:Authenticator:DeviceLoginUrl={login.DeviceLoginUrl}");
            args.Add($"--Relay:Authenticator:AppLoginUrl={login.AppLoginUrl}");
            args.Add("--Relay:Authenticator:Timeout=00:00:03");
        }
        else
        {
            args.Add("--Relay:Authenticator:Mode=BuiltIn");
            args.Add($"--Relay:UsersTable={settings.UsersTable}");
            args.AddRange(settings.Apps.Select(app => $"--Relay:Apps:{app.Key}={app.Value}"));
        }

        var app = RelayApp.Build([.. args], services =>
        {
            if (settings.Logs is { } logs)
            {
                services.AddSingleton<ILoggerProvider>(logs);
            }
        });
        await app.StartAsync();
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri(app.Urls.Single()),
            Timeout = TimeSpan.FromSeconds(60),
        };
        return new RelayHost(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

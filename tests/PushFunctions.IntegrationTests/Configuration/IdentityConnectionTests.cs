using System.Collections.Concurrent;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Configuration;
using PushFunctions.Testing.Http;

namespace PushFunctions.IntegrationTests.Configuration;

/// <summary>
/// An identity-based connection over a real HTTPS connection: the client goes to the configured service URI and
/// presents a bearer token from the credential the connection names, here the app's default credential (which in Azure
/// is the managed identity; the test supplies its own, as an embedder may).
/// </summary>
public sealed class IdentityConnectionTests
{
    [Fact]
    public async Task A_storage_connection_without_a_key_sends_the_credentials_token_for_storage_to_the_service_uri()
    {
        var requests = new ConcurrentQueue<(string Path, string Authorization)>();
        await using var server = await LoopbackHttpServer.StartAsync(
            context =>
            {
                requests.Enqueue((context.Request.Path.Value!, context.Request.Headers.Authorization.ToString()));
                // Create Queue answers 201 Created with no body.
                context.Response.StatusCode = 201;
                return Task.CompletedTask;
            },
            https: true);
        var credential = new RecordingCredential("token-for-storage");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:accountName"] = "pushstore",
            ["AzureWebJobsStorage:queueServiceUri"] = new Uri(server.BaseAddress, "pushstore").AbsoluteUri,
        }).Build();
        var services = new ServiceCollection().AddStorageClients(configuration);
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(credential);
            clients.ConfigureDefaults(options => options.Transport = new HttpClientTransport(server.CreateTrustingHandler()));
        });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<QueueServiceClient>().GetQueueClient("pings").CreateIfNotExistsAsync();

        var (path, authorization) = Assert.Single(requests);
        Assert.Equal("/pushstore/pings", path);
        Assert.Equal("Bearer token-for-storage", authorization);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
    }
}

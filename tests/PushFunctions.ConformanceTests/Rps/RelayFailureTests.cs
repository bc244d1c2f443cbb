using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PushFunctions.Testing;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>What a backend and an operator see when storage fails: an outage is "retry later", anything else is a bug.</summary>
public sealed class RelayFailureTests(AliceLogin alice) : IClassFixture<AliceLogin>
{
    [Fact]
    public async Task A_storage_outage_is_503_with_retry_after_so_the_backend_retries()
    {
        await using var azurite = await PrivateAzurite.StartAsync();
        await using var relay = await RelayHost.StartAsync(new RelayHostSettings { Delegate = alice.Server, StorageConnectionString = azurite.ConnectionString });
        var (_, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        await azurite.KillAsync();
        using var response = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"alert":"x"}}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_storage_refusal_that_retrying_cannot_fix_is_a_logged_internal_error_with_a_correlation_id_and_nothing_leaked()
    {
        var logs = new RecordedLogs();
        var settings = new RelayHostSettings { Delegate = alice.Server, Logs = logs };
        await using var relay = await RelayHost.StartAsync(settings);
        var (_, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        // An operator deleting the message table under a running relay: storage answers 404, which no retry fixes.
        await new TableServiceClient(AzuriteEnvironment.ConnectionString).DeleteTableAsync(settings.TablePrefix + "Messages");
        using var response = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"alert":"x"}}""");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var correlationId = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Error && line.Text.Contains(correlationId, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Text.Contains(token, StringComparison.Ordinal));
    }
}

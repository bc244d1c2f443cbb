using System.Diagnostics;
using Azure.Data.Tables;
using PushFunctions.Relay.Storage;
using PushFunctions.Testing;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>The relay's index lives in memory, so one relay process per set of tables: a lease row keeps a second writer out.</summary>
public sealed class WriterLeaseTests(AliceLogin alice) : IClassFixture<AliceLogin>
{
    [Fact]
    public async Task A_second_relay_on_the_same_tables_fails_to_start_with_a_message_that_says_why()
    {
        var settings = new RelayHostSettings { Delegate = alice.Server, LeaseDuration = TimeSpan.FromSeconds(4) };
        await using var first = await RelayHost.StartAsync(settings);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RelayHost.StartAsync(settings));

        Assert.Contains("Another relay", refused.Message, StringComparison.Ordinal);
        Assert.Contains(settings.TablePrefix, refused.Message, StringComparison.Ordinal);
        var (device, _) = await RelayDevice.ConnectAsync(first.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        Assert.NotEmpty(device.Instance);
    }

    [Fact]
    public async Task A_relay_that_stops_normally_releases_the_lease_so_the_next_starts_at_once()
    {
        var settings = new RelayHostSettings { Delegate = alice.Server, LeaseDuration = TimeSpan.FromMinutes(5) };
        await (await RelayHost.StartAsync(settings)).DisposeAsync();

        var started = Stopwatch.StartNew();
        await using var next = await RelayHost.StartAsync(settings);

        Assert.True(started.Elapsed < TimeSpan.FromMinutes(1), $"started after {started.Elapsed}");
    }

    [Fact]
    public async Task The_lease_of_a_relay_that_crashed_is_taken_over_once_it_expires()
    {
        var settings = new RelayHostSettings { Delegate = alice.Server, LeaseDuration = TimeSpan.FromSeconds(4) };
        var instances = new TableClient(AzuriteEnvironment.ConnectionString, settings.TablePrefix + "Instances");
        await instances.CreateIfNotExistsAsync();

        // What a relay that died without stopping leaves behind: its row, never renewed again.
        var expires = DateTimeOffset.UtcNow.AddSeconds(3);
        await instances.AddEntityAsync(new TableEntity(WriterLease.PartitionKey, "") { ["Holder"] = "crashed-host/1/0", ["Expires"] = expires });
        await using var relay = await RelayHost.StartAsync(settings);

        Assert.True(DateTimeOffset.UtcNow >= expires, "started before the crashed holder's lease expired");
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        Assert.NotEmpty(device.Instance);
    }
}

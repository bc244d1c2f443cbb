using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using PushFunctions.Testing;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>
/// Messages and acknowledgements are written in group commits: whatever was answered 204 survives a restart, and whatever
/// a device acknowledged never comes back.
/// </summary>
public sealed class DurabilityTests(AliceLogin alice) : IClassFixture<AliceLogin>
{
    private const int Devices = 12;
    private const int MessagesPerDevice = 30;

    [Fact]
    public async Task Every_message_answered_204_under_concurrent_posts_survives_a_restart_and_no_acknowledged_one_comes_back()
    {
        var settings = new RelayHostSettings { Delegate = alice.Server, PollTimeout = TimeSpan.FromSeconds(1) };
        var devices = new List<(RelayDevice Device, string Token)>();
        var acknowledgedUpTo = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var before = await RelayHost.StartAsync(settings))
        {
            for (var i = 0; i < Devices; i++)
            {
                devices.Add(await RelayDevice.ConnectAsync(before.Client, "alice", RelayFixture.Password, RelayFixture.AppName));
            }

            // Many posts in flight to many devices at once, so they share transactions.
            var posts = devices.SelectMany(device => Enumerable.Range(1, MessagesPerDevice).Select(n => (device.Token, N: n))).ToList();
            await Parallel.ForEachAsync(posts, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (post, _) =>
            {
                using var response = await Backend.PostAsync(
                    before.Client, post.Token, RelayFixture.AppName, RelayFixture.AppPassword, $$$"""{"collapseId":{{{post.N}}},"data":{"n":{{{post.N}}}}}""");
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            });

            // Every other device takes and acknowledges a third of its messages.
            foreach (var (device, _) in devices.Where((_, index) => index % 2 == 0))
            {
                long? last = null;
                for (var i = 0; i < MessagesPerDevice / 3; i++)
                {
                    last = (await device.ReceiveAsync(last)).Id;
                }

                using var acknowledging = await device.PollAsync(last);
                acknowledgedUpTo[device.Instance] = last!.Value;
            }
        }

        await using var after = await RelayHost.StartAsync(settings);
        foreach (var (device, token) in devices)
        {
            var resumed = RelayDevice.Resume(after.Client, "alice", RelayFixture.Password, device.Instance, device.Cookie);
            var skipped = acknowledgedUpTo.GetValueOrDefault(device.Instance);
            var received = new List<long>();
            long? last = skipped == 0 ? null : skipped;
            while (true)
            {
                using var response = await resumed.PollAsync(last);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    break;
                }

                var message = await RelayDevice.ReadMessageAsync(response);
                Assert.Equal(token, message.Token);
                received.Add(message.Id);
                last = message.Id;
            }

            Assert.Equal(Enumerable.Range((int)skipped + 1, MessagesPerDevice - (int)skipped).Select(id => (long)id), received);
        }
    }

    [Fact]
    public async Task A_message_handed_to_a_waiting_device_is_written_in_one_row_with_the_acknowledgement_that_follows_it()
    {
        // The longest linger the relay takes: the message's row is not written before the acknowledgement arrives.
        var settings = new RelayHostSettings { Delegate = alice.Server, PollTimeout = TimeSpan.FromSeconds(1), CommitLinger = TimeSpan.FromSeconds(1) };
        await using var relay = await RelayHost.StartAsync(settings);
        var (device, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        var waiting = device.PollAsync();
        await Task.Delay(300);

        var posting = Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"n":1}}""");
        using var delivered = await waiting;
        var (id, _, _) = await RelayDevice.ReadMessageAsync(delivered);
        var acknowledging = device.PollAsync(id);
        using var posted = await posting;
        using var timedOut = await acknowledging;

        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, timedOut.StatusCode);
        var messages = new TableClient(AzuriteEnvironment.ConnectionString, settings.TablePrefix + "Messages");
        Assert.Single(messages.Query<TableEntity>());
    }

    [Fact]
    public async Task Messages_queued_by_a_relay_of_the_first_table_layout_are_delivered_after_the_upgrade()
    {
        var settings = new RelayHostSettings { Delegate = alice.Server, PollTimeout = TimeSpan.FromSeconds(1) };
        string instance, cookie, token;
        await using (var before = await RelayHost.StartAsync(settings))
        {
            var (device, issued) = await RelayDevice.ConnectAsync(before.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
            (instance, cookie, token) = (device.Instance, device.Cookie, issued);
        }

        // Rows as the first layout wrote them: a partition per instance, the id as row key, the data as a string, and
        // the watermark of ids issued before (41 and 42 were acknowledged).
        var messages = new TableClient(AzuriteEnvironment.ConnectionString, settings.TablePrefix + "Messages");
        foreach (var id in new[] { 43L, 44L })
        {
            await messages.AddEntityAsync(new TableEntity(instance, id.ToString("D19", System.Globalization.CultureInfo.InvariantCulture))
            {
                ["AppName"] = RelayFixture.AppName,
                ["Token"] = token,
                ["Data"] = $$"""{"n":{{id}}}""",
            });
        }

        await messages.AddEntityAsync(new TableEntity(instance, "watermark") { ["LastIssuedId"] = 44L });

        await using var after = await RelayHost.StartAsync(settings);
        var resumed = RelayDevice.Resume(after.Client, "alice", RelayFixture.Password, instance, cookie);
        var first = await resumed.ReceiveAsync();
        var second = await resumed.ReceiveAsync(first.Id);
        using var acknowledged = await resumed.PollAsync(second.Id);
        using var posted = await Backend.PostAsync(after.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"n":45}}""");
        var third = await resumed.ReceiveAsync(second.Id);

        Assert.Equal((43L, 43), (first.Id, first.Data.GetProperty("n").GetInt32()));
        Assert.Equal((44L, 44), (second.Id, second.Data.GetProperty("n").GetInt32()));
        Assert.Equal(45L, third.Id);
        Assert.Empty(messages.Query<TableEntity>(row => row.PartitionKey == instance));
        Assert.Equal(JsonValueKind.Object, third.Data.ValueKind);
    }
}

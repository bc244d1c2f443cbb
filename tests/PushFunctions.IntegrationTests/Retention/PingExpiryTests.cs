using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Gateway.Retention;
using PushFunctions.IntegrationTests.Storage;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Retention;

/// <summary>
/// Expiry passes on Azurite. The gateways run as the Functions host's custom handler, where no pass runs on its own:
/// each test runs the passes it means to.
/// </summary>
public sealed class PingExpiryTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Finished_pings_past_the_retention_go_with_every_row_and_their_stored_body_and_recent_ones_stay()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        // 30,000 outcomes make more rows than one transaction may delete. A failed ping has 3 rows (envelope, summary,
        // outcomes), a rejected one 1.
        var oldLarge = await SeededPings.SeedAsync(store, Now.AddDays(-8), PingState.Done, devices: 30_000, stored: true);
        var oldFailed = await SeededPings.SeedAsync(store, Now.AddDays(-7).AddMinutes(-1), PingState.Failed);
        var oldRejected = await SeededPings.SeedAsync(store, Now.AddDays(-9), PingState.Rejected);
        var recent = await SeededPings.SeedAsync(store, Now.AddDays(-6).AddHours(-23), PingState.Done, stored: true);
        var recentQueued = await SeededPings.SeedAsync(store, Now.AddMinutes(-1), PingState.Queued);
        var oldRows = await SeededPings.RowCountAsync(store, oldLarge);
        Assert.True(oldRows > 100, $"the large ping has only {oldRows} rows");

        var pass = await gateway.Services.GetRequiredService<PingExpiry>().RunAsync(CancellationToken.None);

        Assert.Equal(new ExpiryPass(EnvelopesRemoved: 3, RowsRemoved: oldRows + 3 + 1, BlobsRemoved: 1, EnvelopesKept: 0, Finished: true), pass);
        foreach (var gone in new[] { oldLarge, oldFailed, oldRejected })
        {
            Assert.Equal(0, await SeededPings.RowCountAsync(store, gone));
            await AssertStatusAsync(gateway, gone, HttpStatusCode.NotFound);
        }

        Assert.False(await SeededPings.BodyExistsAsync(store, oldLarge.EnvelopeId));
        Assert.True(await SeededPings.BodyExistsAsync(store, recent.EnvelopeId));
        await AssertStatusAsync(gateway, recent, HttpStatusCode.OK);
        await AssertStatusAsync(gateway, recentQueued, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_ping_still_queued_or_delivering_outlives_the_retention_until_no_queue_message_can_carry_it_and_delivery_agrees()
    {
        // A day's retention, shorter than a Storage queue message's 7 days.
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Storage:PingRetention"] = "1.00:00:00" }, asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        var queued = await SeededPings.SeedAsync(store, Now.AddDays(-2), PingState.Queued, stored: true);
        var delivering = await SeededPings.SeedAsync(store, Now.AddDays(-6), PingState.Delivering, stored: true);
        var done = await SeededPings.SeedAsync(store, Now.AddDays(-2), PingState.Done, stored: true);
        // Older than the message lifetime and its hour of grace: no message can carry it, whatever it says.
        var abandoned = await SeededPings.SeedAsync(store, Now.AddDays(-7).AddHours(-2), PingState.Delivering, stored: true);
        // Bodies whose envelope record was never written (the accept failed after the upload).
        var orphanOld = Guid.CreateVersion7(Now.AddDays(-8)).ToString("N");
        var orphanYoung = Guid.CreateVersion7(Now.AddDays(-2)).ToString("N");
        await store.Envelopes.UploadBlobAsync(orphanOld, BinaryData.FromString("{}"));
        await store.Envelopes.UploadBlobAsync(orphanYoung, BinaryData.FromString("{}"));

        var pass = await gateway.Services.GetRequiredService<PingExpiry>().RunAsync(CancellationToken.None);

        Assert.Equal(2, pass.EnvelopesRemoved);
        Assert.Equal(2, pass.EnvelopesKept);
        Assert.Equal(3, pass.BlobsRemoved);
        await AssertStatusAsync(gateway, done, HttpStatusCode.NotFound);
        await AssertStatusAsync(gateway, abandoned, HttpStatusCode.NotFound);
        Assert.Equal("queued", (await StatusAsync(gateway, queued)).GetProperty("state").GetString());
        Assert.Equal("delivering", (await StatusAsync(gateway, delivering)).GetProperty("state").GetString());
        Assert.False(await SeededPings.BodyExistsAsync(store, orphanOld));
        Assert.True(await SeededPings.BodyExistsAsync(store, orphanYoung));

        // The queued ping's message still delivers from its body; a message naming a removed body is refused once, as malformed.
        using var kept = await DeliverStoredAsync(gateway, queued.EnvelopeId);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal("done", (await StatusAsync(gateway, queued)).GetProperty("state").GetString());
        using var removed = await DeliverStoredAsync(gateway, abandoned.EnvelopeId);
        using var answer = JsonDocument.Parse(await removed.Content.ReadAsStringAsync());
        Assert.EndsWith("the stored envelope body is gone", answer.RootElement.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
        await AssertStatusAsync(gateway, abandoned, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task On_service_bus_an_unfinished_ping_is_kept_for_the_messages_time_to_live_and_an_hour()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        var expiry = new PingExpiry(
            store,
            Options.Create(new StorageOptions { PingRetention = TimeSpan.FromDays(1) }),
            Options.Create(new PushQueueOptions { Transport = PushQueueTransport.ServiceBus, TimeToLive = TimeSpan.FromDays(3) }),
            TimeProvider.System,
            NullLogger<PingExpiry>.Instance);
        var deliverable = await SeededPings.SeedAsync(store, Now.AddDays(-3).AddMinutes(-30), PingState.Delivering);
        var expired = await SeededPings.SeedAsync(store, Now.AddDays(-3).AddMinutes(-90), PingState.Delivering);
        var finished = await SeededPings.SeedAsync(store, Now.AddDays(-2), PingState.Done);

        var pass = await expiry.RunAsync(CancellationToken.None);

        Assert.Equal((2, 1), (pass.EnvelopesRemoved, pass.EnvelopesKept));
        Assert.Equal(3, await SeededPings.RowCountAsync(store, deliverable));
        Assert.Equal(0, await SeededPings.RowCountAsync(store, expired));
        Assert.Equal(0, await SeededPings.RowCountAsync(store, finished));
    }

    [Fact]
    public async Task A_ping_whose_delivery_was_retried_recently_is_kept_with_its_body_past_its_acceptance_plus_the_message_lifetime()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        // Both accepted longer ago than a Storage queue message's 7 days and the hour of grace. A retry is a new message
        // with a lifetime of its own, sent after an attempt: the first was attempted half an hour ago, so its retry may
        // still be on the queue; the second's last attempt is as old as it is.
        var retried = await SeededPings.SeedAsync(store, Now.AddDays(-8), PingState.Delivering, stored: true);
        await SeededPings.SetLastAttemptAsync(store, retried, Now.AddMinutes(-30));
        var abandoned = await SeededPings.SeedAsync(store, Now.AddDays(-8).AddMinutes(1), PingState.Delivering, stored: true);

        var pass = await gateway.Services.GetRequiredService<PingExpiry>().RunAsync(CancellationToken.None);

        Assert.Equal((1, 1, 1), (pass.EnvelopesRemoved, pass.EnvelopesKept, pass.BlobsRemoved));
        Assert.True(await SeededPings.BodyExistsAsync(store, retried.EnvelopeId));
        Assert.False(await SeededPings.BodyExistsAsync(store, abandoned.EnvelopeId));
        Assert.Equal("delivering", (await StatusAsync(gateway, retried)).GetProperty("state").GetString());
        await AssertStatusAsync(gateway, abandoned, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Send_claims_are_left_out_of_a_pings_status_and_pages_and_go_with_its_partition()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        var expired = await SeededPings.SeedAsync(store, Now.AddDays(-8), PingState.Done, devices: 5);
        var recent = await SeededPings.SeedAsync(store, Now.AddDays(-1), PingState.Done, devices: 5);
        // Claims a delivery left behind (it died between a send and its record): rows "~000|{device}" of the partition.
        foreach (var ping in new[] { expired, recent })
        {
            var claims = await store.ClaimSendsAsync(ping, [DeviceOutcome.ClientKey(SeededPings.ClientId(100)), DeviceOutcome.ClientKey(SeededPings.ClientId(101))], TimeSpan.FromMinutes(2));
            Assert.Equal(2, claims.Count);
        }

        var expiredRows = await SeededPings.RowCountAsync(store, expired);

        var status = await StatusAsync(gateway, recent);
        Assert.Equal(5, status.GetProperty("devices").GetArrayLength());
        Assert.Equal(5, status.GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt32()));
        using var firstPage = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{recent}?page_size=4");
        var first = JsonDocument.Parse(await firstPage.Content.ReadAsStringAsync()).RootElement;
        using var secondPage = await gateway.SendAuthorizedAsync(HttpMethod.Get, first.GetProperty("next").GetString()!);
        var second = JsonDocument.Parse(await secondPage.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((4, 1), (first.GetProperty("devices").GetArrayLength(), second.GetProperty("devices").GetArrayLength()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        var listed = await store.ListAcceptedAsync(Now.AddDays(-1).AddMinutes(-1), Now.AddDays(-1).AddMinutes(1));
        Assert.Equal(5, Assert.Single(listed).Devices.Count);

        var pass = await gateway.Services.GetRequiredService<PingExpiry>().RunAsync(CancellationToken.None);

        Assert.Equal(new ExpiryPass(EnvelopesRemoved: 1, RowsRemoved: expiredRows, BlobsRemoved: 0, EnvelopesKept: 0, Finished: true), pass);
        Assert.Equal(0, await SeededPings.RowCountAsync(store, expired));
    }

    [Fact]
    public async Task A_pass_stops_at_its_row_budget_at_a_partition_boundary_and_the_next_pass_goes_on()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Storage:ExpiryMaxRows"] = "100" }, asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        var pings = new List<PingId>();
        for (var day = 10; day >= 8; day--)
        {
            pings.Add(await SeededPings.SeedAsync(store, Now.AddDays(-day), PingState.Done, devices: 15_000));
        }

        var rows = new List<int>();
        foreach (var ping in pings)
        {
            rows.Add(await SeededPings.RowCountAsync(store, ping));
        }

        Assert.True(rows[0] < 100 && rows[0] + rows[1] >= 100, "rows per partition: " + string.Join(", ", rows));
        var expiry = gateway.Services.GetRequiredService<PingExpiry>();

        var first = await expiry.RunAsync(CancellationToken.None);
        Assert.Equal(new ExpiryPass(2, rows[0] + rows[1], 0, 0, Finished: false), first);
        Assert.Equal(0, await SeededPings.RowCountAsync(store, pings[1]));
        Assert.Equal(rows[2], await SeededPings.RowCountAsync(store, pings[2]));

        var second = await expiry.RunAsync(CancellationToken.None);
        Assert.Equal(new ExpiryPass(1, rows[2], 0, 0, Finished: true), second);
        Assert.Equal(0, await SeededPings.RowCountAsync(store, pings[2]));
    }

    [Fact]
    public async Task Passes_of_two_gateways_at_once_remove_every_expired_row_and_neither_fails()
    {
        await using var first = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        await using var second = await GatewayHost.StartAsync(reuse: first.Settings, asFunctionsCustomHandler: true);
        var store = first.Services.GetRequiredService<PingStatusStore>();
        var expired = new List<PingId>();
        for (var i = 0; i < 12; i++)
        {
            expired.Add(await SeededPings.SeedAsync(store, Now.AddDays(-8).AddMinutes(-i), PingState.Done, devices: i % 3 == 0 ? 12_000 : 300, stored: i % 2 == 0));
        }

        var recent = await SeededPings.SeedAsync(store, Now.AddDays(-1), PingState.Done, devices: 300, stored: true);

        // Several rounds of both at once, so that each meets partitions the other is removing.
        var passes = new List<ExpiryPass>();
        for (var round = 0; round < 3; round++)
        {
            passes.AddRange(await Task.WhenAll(
                first.Services.GetRequiredService<PingExpiry>().RunAsync(CancellationToken.None),
                second.Services.GetRequiredService<PingExpiry>().RunAsync(CancellationToken.None)));
        }

        Assert.All(passes, p => Assert.True(p.Finished));
        Assert.True(passes.Sum(p => p.EnvelopesRemoved) >= expired.Count);
        foreach (var ping in expired)
        {
            Assert.Equal(0, await SeededPings.RowCountAsync(store, ping));
            Assert.False(await SeededPings.BodyExistsAsync(store, ping.EnvelopeId));
        }

        Assert.True(await SeededPings.BodyExistsAsync(store, recent.EnvelopeId));
        Assert.Equal(300, (await StatusAsync(first, recent)).GetProperty("devices").GetArrayLength());
    }

    private static async Task<HttpResponseMessage> DeliverStoredAsync(GatewayHost gateway, string envelopeId) =>
        await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction,
            FunctionsHostInvocation.ForStorageQueueMessage(Encoding.UTF8.GetBytes($$"""{"id":"{{envelopeId}}","pings":[],"stored":true}"""), FunctionInvocationEndpoints.StorageQueueFunction, 1));

    private static async Task AssertStatusAsync(GatewayHost gateway, PingId id, HttpStatusCode expected)
    {
        using var response = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{id}");
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<JsonElement> StatusAsync(GatewayHost gateway, PingId id)
    {
        using var response = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{id}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Retention;
using PushFunctions.IntegrationTests.Storage;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Retention;

/// <summary>
/// Who runs the expiry passes: under the Functions host, the ExpirePings timer, invoked with the host's own request
/// (<see cref="FunctionsHostInvocation.ForTimer"/>, captured from the host); standalone, the gateway on an interval.
/// </summary>
public sealed class ExpiryScheduleTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Theory]
    [InlineData(false, "removed 1 expired envelopes (3 rows, 1 stored bodies), kept 0 still deliverable")]
    [InlineData(true, "Past due; removed 1 expired envelopes (3 rows, 1 stored bodies), kept 0 still deliverable")]
    public async Task A_timer_occurrence_as_the_host_sends_it_removes_expired_pings_and_answers_the_host_with_its_log_line(bool pastDue, string logged)
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        var expired = await SeededPings.SeedAsync(store, Now.AddDays(-8), PingState.Done, stored: true);
        var recent = await SeededPings.SeedAsync(store, Now.AddDays(-1), PingState.Done, stored: true);

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, RetentionFunctionEndpoints.ExpiryFunction,
            FunctionsHostInvocation.ForTimer(RetentionFunctionEndpoints.ExpiryFunction, pastDue));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, result.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(logged, Assert.Single(result.RootElement.GetProperty("Logs").EnumerateArray()).GetString());
        Assert.Equal(0, await SeededPings.RowCountAsync(store, expired));
        Assert.False(await SeededPings.BodyExistsAsync(store, expired.EnvelopeId));
        Assert.True(await SeededPings.BodyExistsAsync(store, recent.EnvelopeId));
        Assert.Equal(3, await SeededPings.RowCountAsync(store, recent));
    }

    [Fact]
    public async Task An_invocation_the_host_would_not_send_for_the_timer_is_refused_with_400_and_removes_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = gateway.Services.GetRequiredService<PingStatusStore>();
        var expired = await SeededPings.SeedAsync(store, Now.AddDays(-8), PingState.Done);
        const string function = RetentionFunctionEndpoints.ExpiryFunction;

        using var notJson = await FunctionsHostInvocation.PostAsync(gateway.Client, function, "{");
        using var noTimer = await FunctionsHostInvocation.PostAsync(gateway.Client, function, """{"Data":{},"Metadata":{}}""");
        // A queue message's invocation is not a timer's.
        using var message = await FunctionsHostInvocation.PostAsync(gateway.Client, function, FunctionsHostInvocation.ForStorageQueueMessage([0x7b, 0x7d], function, 1));

        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noTimer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, message.StatusCode);
        Assert.Equal(3, await SeededPings.RowCountAsync(store, expired));
    }

    [Fact]
    public async Task A_standalone_gateway_has_no_timer_route_and_removes_expired_pings_itself_at_start_and_on_its_interval()
    {
        // The custom handler writes the pings; a standalone gateway on the same storage expires them.
        await using var writer = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var store = writer.Services.GetRequiredService<PingStatusStore>();
        var expiredBeforeStart = await SeededPings.SeedAsync(store, Now.AddDays(-8), PingState.Done, stored: true);
        var recent = await SeededPings.SeedAsync(store, Now.AddDays(-1), PingState.Done);
        var settings = new Dictionary<string, string?>(writer.Settings) { ["Storage:ExpiryInterval"] = "00:00:01" };
        await using var standalone = await GatewayHost.StartAsync(reuse: settings);

        using var timer = await FunctionsHostInvocation.PostAsync(standalone.Client, RetentionFunctionEndpoints.ExpiryFunction,
            FunctionsHostInvocation.ForTimer(RetentionFunctionEndpoints.ExpiryFunction));
        Assert.Equal(HttpStatusCode.NotFound, timer.StatusCode);

        await WaitUntilGoneAsync(store, expiredBeforeStart);
        Assert.False(await SeededPings.BodyExistsAsync(store, expiredBeforeStart.EnvelopeId));
        var expiredLater = await SeededPings.SeedAsync(store, Now.AddDays(-9), PingState.Failed);
        await WaitUntilGoneAsync(store, expiredLater);
        Assert.Equal(3, await SeededPings.RowCountAsync(store, recent));
        Assert.Contains(standalone.Logs.GetSnapshot(), r => r.Message.StartsWith("Ping expiry removed 1 envelopes", StringComparison.Ordinal));
    }

    private static async Task WaitUntilGoneAsync(PingStatusStore store, PingId id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await SeededPings.RowCountAsync(store, id) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"ping {id} was not removed within 60 s");
            await Task.Delay(100);
        }
    }
}

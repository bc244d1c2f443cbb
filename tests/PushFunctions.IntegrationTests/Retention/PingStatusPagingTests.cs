using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Status;
using PushFunctions.IntegrationTests.Storage;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Retention;

/// <summary>GET /rc/v1/pings/{ping_id} a page of devices at a time, over real HTTP on Azurite.</summary>
public sealed class PingStatusPagingTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData(null, 1000, 10)]
    [InlineData(333, 333, 31)]
    public async Task A_ten_thousand_device_ping_is_read_in_pages_that_hold_every_device_once_each_with_the_counts_of_all(int? pageSize, int expectedSize, int expectedPages)
    {
        const int devices = 10_000;
        var ping = await SeededPings.SeedAsync(_gateway.Services.GetRequiredService<PingStatusStore>(), DateTimeOffset.UtcNow, PingState.Done, devices);
        var expectedCounts = Enumerable.Range(0, devices).GroupBy(SeededPings.StatusOf).ToDictionary(g => g.Key, g => g.Count());

        var seen = new List<string>();
        var pages = 0;
        string? next = pageSize is { } size ? $"/rc/v1/pings/{ping}?page_size={size}" : $"/rc/v1/pings/{ping}";
        while (next is not null)
        {
            var page = await GetAsync(next);
            pages++;
            Assert.Equal("done", page.GetProperty("state").GetString());
            var counts = page.GetProperty("counts");
            Assert.Equal(expectedCounts[OutcomeStatus.Sent], counts.GetProperty("sent").GetInt32());
            Assert.Equal(expectedCounts[OutcomeStatus.Skipped], counts.GetProperty("skipped").GetInt32());
            Assert.Equal(expectedCounts[OutcomeStatus.Failed], counts.GetProperty("failed").GetInt32());
            var pageDevices = page.GetProperty("devices").EnumerateArray().ToList();
            next = page.GetProperty("next").GetString();
            Assert.Equal(next is null ? devices - seen.Count : expectedSize, pageDevices.Count);
            seen.AddRange(pageDevices.Select(d => d.GetProperty("client_id").GetString()!));
            Assert.True(pages <= expectedPages, "more pages than devices allow");
        }

        Assert.Equal(expectedPages, pages);
        Assert.Equal(devices, seen.Count);
        Assert.Equal(devices, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(0, devices).Select(SeededPings.ClientId).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_delivered_ping_to_a_few_devices_is_answered_whole_as_before_pages_existed_and_pages_on_request()
    {
        var user = "paged-" + Guid.NewGuid().ToString("N")[..8];
        await _gateway.CreateUserAsync(user);
        for (var i = 0; i < 3; i++)
        {
            await _gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = $"{user}-pin-{i}" });
        }

        var pingId = await _gateway.PingAsync(new("user_id", user), new("message", "pages"));
        var whole = await _gateway.WaitForPingAsync(pingId);

        Assert.Equal(3, whole.GetProperty("devices").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("next").ValueKind);
        var first = await GetAsync($"/rc/v1/pings/{pingId}?page_size=2");
        Assert.Equal(2, first.GetProperty("devices").GetArrayLength());
        Assert.Equal(3, first.GetProperty("counts").GetProperty("sent").GetInt32());
        var second = await GetAsync(first.GetProperty("next").GetString()!);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        var paged = first.GetProperty("devices").EnumerateArray().Concat(second.GetProperty("devices").EnumerateArray()).Select(d => d.GetProperty("client_id").GetString());
        Assert.Equal(whole.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("client_id").GetString()), paged);
    }

    [Theory]
    [InlineData("page_size=0")]
    [InlineData("page_size=1001")]
    [InlineData("page_size=ten")]
    [InlineData("page_size=-5")]
    [InlineData("page_size=10&page_size=20")]
    [InlineData("continuation=not-a-cursor")]
    [InlineData("continuation=0192f0c1d2e3f4a5b6c7d8e9fa0b1c2d.-1")]
    [InlineData("continuation=0192F0C1D2E3F4A5B6C7D8E9FA0B1C2D.0")]
    public async Task A_page_query_no_page_could_give_is_refused_with_400(string query)
    {
        var ping = await SeededPings.SeedAsync(_gateway.Services.GetRequiredService<PingStatusStore>(), DateTimeOffset.UtcNow, PingState.Done);

        using var response = await _gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{ping}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("page_size", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _gateway.SendAuthorizedAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

using System.Net;
using System.Text.Json;
using PushFunctions.Gateway.Import;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.RhoConnect;

namespace PushFunctions.IntegrationTests.Import;

/// <summary>
/// The timer function under the Functions host: the host POSTs its timer invocation (captured from the real host) to
/// /ImportFromRhoConnect on the handler's port, chunked as the host sends it, and the gateway imports once per call.
/// </summary>
public sealed class ImportFunctionTests : IAsyncLifetime
{
    private RhoConnectStandIn _rhoconnect = null!;

    public async Task InitializeAsync() => _rhoconnect = await RhoConnectStandIn.StartAsync();

    public async Task DisposeAsync() => await _rhoconnect.DisposeAsync();

    [Fact]
    public async Task The_host_timer_invocation_imports_and_answers_the_summary_for_the_host_log()
    {
        _rhoconnect.AddUser("alice");
        var iphone = _rhoconnect.AddClient("alice", new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "apns-alice" });
        await using var gateway = await GatewayHost.StartAsync(ImportSettings(RhoConnectStandIn.ApiToken), asFunctionsCustomHandler: true);
        var target = new ImportTarget(gateway);
        // Under the host only the timer imports: nothing has been asked of RhoConnect yet.
        var before = _rhoconnect.Requests.Count;

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, ImportFunctionEndpoint.FunctionName, FunctionsHostInvocation.ForTimer(ImportFunctionEndpoint.FunctionName));

        Assert.Equal(0, before);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var log = Assert.Single(result.RootElement.GetProperty("Logs").EnumerateArray()).GetString();
        Assert.StartsWith($"import from {_rhoconnect.BaseAddress.AbsoluteUri} completed", log, StringComparison.Ordinal);
        Assert.Equal("apns-alice", (await target.ClientAsync(iphone))!.DevicePin);
    }

    [Fact]
    public async Task A_failed_import_answers_the_host_a_failed_invocation_with_the_reason()
    {
        await using var gateway = await GatewayHost.StartAsync(ImportSettings("a-token-rhoconnect-does-not-know"), asFunctionsCustomHandler: true);

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, ImportFunctionEndpoint.FunctionName, FunctionsHostInvocation.ForTimer(ImportFunctionEndpoint.FunctionName));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("failed: the source refused the API token (422)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_import_off_the_timer_invocation_succeeds_and_says_so()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, ImportFunctionEndpoint.FunctionName, FunctionsHostInvocation.ForTimer(ImportFunctionEndpoint.FunctionName));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("RhoConnect import is off", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Data":{"message":"x"},"Metadata":{}}""")]
    [InlineData("not json")]
    public async Task An_invocation_without_the_timer_binding_is_refused(string invocation)
    {
        await using var gateway = await GatewayHost.StartAsync(ImportSettings(RhoConnectStandIn.ApiToken), asFunctionsCustomHandler: true);

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, ImportFunctionEndpoint.FunctionName, invocation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_rhoconnect.Requests);
    }

    [Fact]
    public async Task A_standalone_gateway_has_no_timer_function_route()
    {
        await using var gateway = await GatewayHost.StartAsync(ImportSettings(RhoConnectStandIn.ApiToken));

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, ImportFunctionEndpoint.FunctionName, FunctionsHostInvocation.ForTimer(ImportFunctionEndpoint.FunctionName));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private Dictionary<string, string?> ImportSettings(string apiToken) => new()
    {
        ["RhoConnect:ImportFrom"] = _rhoconnect.BaseAddress.AbsoluteUri,
        ["RhoConnect:ImportApiToken"] = apiToken,
    };
}

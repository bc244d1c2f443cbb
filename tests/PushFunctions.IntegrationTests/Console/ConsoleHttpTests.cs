using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Sessions;
using PushFunctions.IntegrationTests.Storage;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Console;

/// <summary>The console's doors over plain HTTP: who gets in, which posts count, what may be cached.</summary>
public sealed partial class ConsoleHttpTests : IAsyncLifetime
{
    private const string SessionSecret = "console-http-test-secret";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["RhoConnect:SessionSecret"] = SessionSecret });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Every_console_route_but_sign_in_and_static_files_refuses_a_request_without_a_session()
    {
        using var anonymous = NewClient(out _);
        var routes = ConsoleRoutes().ToList();
        Assert.True(routes.Count >= 8, "console routes found: " + string.Join(", ", routes.Select(r => r.Pattern)));

        foreach (var (pattern, isData) in routes)
        {
            var path = RouteParameter().Replace(pattern, "x");
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var response = await anonymous.SendAsync(new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new FormUrlEncodedContent([new("login", "x")]) : null });
                if (isData)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized || (method == HttpMethod.Post && response.StatusCode == HttpStatusCode.MethodNotAllowed), $"{method} {path}: {response.StatusCode}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {path}: {response.StatusCode}");
                    Assert.StartsWith("/console/signin?returnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task A_wrong_token_gets_401_and_no_session_cookie()
    {
        using var client = NewClient(out var cookies);
        var form = await ReadFormTokenAsync(client, "/console/signin");

        using var response = await client.PostAsync("/console/signin", Form(form, ("token", "wrong-token")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(cookies.GetCookies(_gateway.BaseAddress)["pushfunctions_console"]);
    }

    [Fact]
    public async Task Signing_in_sets_an_httponly_samesite_strict_cookie_for_the_console_only_and_returns_only_to_the_console()
    {
        using var client = NewClient(out _);
        var form = await ReadFormTokenAsync(client, "/console/signin");

        using var response = await client.PostAsync("/console/signin", Form(form, ("token", GatewayHost.RotatedApiToken), ("returnUrl", "https://evil.example/")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("pushfunctions_console=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain HTTP here: Secure only when the request came over HTTPS.
        Assert.DoesNotContain("secure", cookie.Replace("samesite", string.Empty, StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_post_with_the_session_cookie_but_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var client = await SignedInClientAsync();
        var login = "csrf-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await client.PostAsync("/console/users?handler=Create", new FormUrlEncodedContent([new("login", login)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await _gateway.Services.GetRequiredService<UserStore>().GetAsync(login));

        var form = await ReadFormTokenAsync(client, "/console/users");
        using var withToken = await client.PostAsync("/console/users?handler=Create", Form(form, ("login", login)));
        Assert.Equal(HttpStatusCode.Redirect, withToken.StatusCode);
        Assert.NotNull(await _gateway.Services.GetRequiredService<UserStore>().GetAsync(login));
    }

    [Fact]
    public async Task A_device_session_or_a_tampered_cookie_is_not_a_console_session()
    {
        var device = _gateway.Services.GetRequiredService<SessionCookie>().Issue("operator").Value;
        using var client = NewClient(out var cookies);
        cookies.Add(_gateway.BaseAddress, new Cookie("pushfunctions_console", device, "/console"));
        using var withDeviceSession = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, withDeviceSession.StatusCode);

        using var signedIn = await SignedInClientAsync();
        using var ok = await signedIn.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Pages_and_data_are_never_cached_and_static_assets_are_fingerprinted_and_immutable()
    {
        using var client = await SignedInClientAsync();
        using var page = await client.GetAsync("/console/push");
        Assert.True(page.Headers.CacheControl!.NoStore, "pages may be stored: " + page.Headers.CacheControl);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var html = await page.Content.ReadAsStringAsync();
        var stylesheet = StylesheetLink().Match(html);
        Assert.True(stylesheet.Success, "no fingerprinted stylesheet in the page");
        using var css = await client.GetAsync(stylesheet.Groups["href"].Value);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("max-age=31536000, immutable", css.Headers.CacheControl!.ToString());
        Assert.NotNull(css.Headers.ETag);

        using var data = await client.GetAsync("/console/api/pings/" + await _gateway.PingAsync(KeyValuePair.Create("user_id", "nobody")));
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.True(data.Headers.CacheControl!.NoStore, "data may be stored: " + data.Headers.CacheControl);
    }

    [Fact]
    public async Task The_overview_shows_what_healthz_knows_of_storage_the_queue_and_the_channels()
    {
        using var client = await SignedInClientAsync();

        var html = await client.GetStringAsync("/console");

        Assert.All(["storage", "queue", "channels"], check => Assert.Contains($"<th scope=\"row\">{check}</th>", html, StringComparison.Ordinal));
        Assert.Contains($"{_gateway.QueueName}: 0 waiting; {_gateway.QueueName}-poison: 0 given up", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_large_pings_page_shows_a_page_of_its_devices_with_the_counts_of_all_and_links_the_next_page()
    {
        var ping = await SeededPings.SeedAsync(_gateway.Services.GetRequiredService<PingStatusStore>(), DateTimeOffset.UtcNow, PingState.Done, devices: 1_200);
        using var client = await SignedInClientAsync();

        var pages = new List<string> { await client.GetStringAsync($"/console/pings/{ping}") };
        while (NextDevicesLink().Match(pages[^1]) is { Success: true } next)
        {
            pages.Add(await client.GetStringAsync(WebUtility.HtmlDecode(next.Groups["href"].Value)));
        }

        Assert.Equal(3, pages.Count);
        Assert.All(pages, html => Assert.Contains("<caption>Devices (1200)</caption>", html, StringComparison.Ordinal));
        Assert.All(pages, html => Assert.Contains("<span data-field=\"sent\">960</span>", html, StringComparison.Ordinal));
        // A page of many devices is not redrawn by the script, which only knows the first page.
        Assert.All(pages, html => Assert.DoesNotContain("data-src=\"/console/api", html, StringComparison.Ordinal));
        var shown = pages.SelectMany(html => DeviceClientCell().Matches(html).Select(m => m.Groups["client"].Value)).ToList();
        Assert.Equal(Enumerable.Range(0, 1_200).Select(SeededPings.ClientId).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
    }

    /// <summary>Every console endpoint the app maps, but the sign-in page and static files, which answer anyone.</summary>
    private IEnumerable<(string Pattern, bool IsData)> ConsoleRoutes() =>
        _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("console", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(pattern => pattern != "/console/signin")
            .Distinct()
            .Select(pattern => (pattern, pattern.StartsWith("/console/api/", StringComparison.Ordinal)));

    private HttpClient NewClient(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _gateway.BaseAddress };
    }

    private async Task<HttpClient> SignedInClientAsync()
    {
        var client = NewClient(out _);
        var form = await ReadFormTokenAsync(client, "/console/signin");
        using var response = await client.PostAsync("/console/signin", Form(form, ("token", GatewayHost.ApiToken)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of the page's form (its cookie lands in the client's jar).</summary>
    private static async Task<string> ReadFormTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        return AntiforgeryField().Match(html).Groups["token"].Value;
    }

    private static FormUrlEncodedContent Form(string antiforgeryToken, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Prepend(KeyValuePair.Create("__RequestVerificationToken", antiforgeryToken)));

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<a href=\"(?<href>/console/pings/[^\"]+)\" rel=\"next\">")]
    private static partial Regex NextDevicesLink();

    [GeneratedRegex("<td class=\"mono\">(?<client>[0-9a-f]{32})</td>")]
    private static partial Regex DeviceClientCell();

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(?<href>/console/console\\.[a-z0-9]+\\.css)\"")]
    private static partial Regex StylesheetLink();
}

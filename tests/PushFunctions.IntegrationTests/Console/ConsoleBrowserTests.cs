using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Channels;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Http;
using Xunit.Abstractions;

namespace PushFunctions.IntegrationTests.Console;

/// <summary>The console as an operator uses it: in a real headless Chromium, against the real gateway on Azurite.</summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly TaskCompletionSource _deliveryGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GatewayHost _gateway = null!;
    private HeadlessChromium _browser = null!;

    private static readonly string[] UnfinishedStates = ["queued", "delivering"];

    private OpenQA.Selenium.Chrome.ChromeDriver Page => _browser.Driver;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(
            new Dictionary<string, string?> { ["RhoConnect:SessionSecret"] = "console-browser-test-secret" },
            services => services.AddSingleton<IDeliveryChannel>(sp => new GatedChannel(sp.GetRequiredService<LogChannel>(), _deliveryGate.Task)));
        _browser = new HeadlessChromium();
    }

    public async Task DisposeAsync()
    {
        _deliveryGate.TrySetResult();
        await _gateway.DisposeAsync();
    }

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task An_operator_signs_in_creates_a_user_and_watches_a_test_push_reach_its_device_without_reloading()
    {
        var login = "console-" + Guid.NewGuid().ToString("N")[..8];

        Open("/console/users");
        HeadlessChromium.WaitUntil(() => Page.Url.Contains("/console/signin", StringComparison.Ordinal), () => "not sent to sign in: " + Page.Url);
        SignIn(GatewayHost.ApiToken);
        HeadlessChromium.WaitUntil(() => new Uri(Page.Url).AbsolutePath == "/console/users", () => "not back on the users page: " + Page.Url);

        // Create the user with the keyboard: type, then Enter submits the form.
        Page.FindElement(By.Id("login")).SendKeys(login + Keys.Enter);
        HeadlessChromium.WaitUntil(() => Page.FindElement(By.TagName("h1")).Text.Contains(login, StringComparison.Ordinal), () => "no user page: " + Page.Url);
        Assert.NotNull(await _gateway.Services.GetRequiredService<UserStore>().GetAsync(login));

        var clientId = await _gateway.RegisterDeviceAsync(login, new Dictionary<string, string>
        {
            ["device_type"] = "APPLE",
            ["device_pin"] = "console-handle-" + login,
            ["device_app_id"] = "com.example.console",
        });
        Page.Navigate().Refresh();
        var card = Page.FindElement(By.CssSelector("article.card"));
        Assert.Contains(clientId, card.Text, StringComparison.Ordinal);
        Assert.Contains("console-handle-" + login, card.Text, StringComparison.Ordinal);
        Assert.Equal("apple", card.FindElement(By.XPath(".//dt[.='resolves to']/following-sibling::dd[1]")).Text);

        Page.FindElement(By.LinkText("Send a test push")).Click();
        HeadlessChromium.WaitUntil(() => new Uri(Page.Url).AbsolutePath == "/console/push", () => "not on the test-push page: " + Page.Url);
        Assert.Equal(login, Page.FindElement(By.Id("users")).GetAttribute("value"));
        Page.FindElement(By.Id("message")).SendKeys("Hello from the console");
        Page.FindElement(By.Id("sources")).SendKeys("Product,Customer");
        Page.FindElement(By.Id("badge")).SendKeys("3");
        Page.FindElement(By.Id("sound")).SendKeys("welcome.mp3");
        Page.FindElement(By.Id("vibrate")).SendKeys("500");
        Page.FindElement(By.CssSelector("#push-form button[type=submit]")).Click();

        // Delivery is held at the log channel: the page shows the ping still on its way.
        HeadlessChromium.WaitUntil(() => Page.FindElements(By.CssSelector("[data-field=state]")).Count == 1, () => "no ping status on " + Page.Url);
        Assert.Contains(Page.FindElement(By.CssSelector("[data-field=state]")).Text, UnfinishedStates);
        Page.ExecuteScript("window.notReloaded = true;");

        _deliveryGate.SetResult();
        HeadlessChromium.WaitUntil(
            () => Page.FindElement(By.CssSelector("[data-field=state]")).Text == "done"
                  && Page.FindElement(By.CssSelector("[data-devices]")).Text.Contains(clientId + " apple sent", StringComparison.Ordinal),
            () => "status shows: " + Page.FindElement(By.CssSelector("[data-ping-status]")).Text);
        Assert.Equal(true, Page.ExecuteScript("return window.notReloaded === true;"));
        Assert.Equal("1", Page.FindElement(By.CssSelector("[data-field=sent]")).Text);

        var sent = Assert.Single(_gateway.LogChannel.Sent, s => s.ClientId == clientId);
        Assert.Contains("Hello from the console", sent.Payload, StringComparison.Ordinal);
        Assert.Contains("welcome.mp3", sent.Payload, StringComparison.Ordinal);

        var screenshot = _browser.SaveScreenshot("test-push");
        output.WriteLine("Screenshot of the test-push page: " + screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is nearly empty");
    }

    [Fact]
    public void A_wrong_token_is_refused_and_no_session_is_set()
    {
        Open("/console/signin");
        SignIn("not-the-token");

        var error = Page.FindElement(By.CssSelector("[role=alert]"));
        Assert.Contains("not a valid API token", error.Text, StringComparison.Ordinal);
        Assert.Null(Page.Manage().Cookies.GetCookieNamed("pushfunctions_console"));
        Open("/console/users");
        HeadlessChromium.WaitUntil(() => Page.Url.Contains("/console/signin", StringComparison.Ordinal), () => "the users page answered without a session: " + Page.Url);
    }

    [Fact]
    public async Task A_form_posted_from_another_origin_is_refused()
    {
        var victim = "csrf-" + Guid.NewGuid().ToString("N")[..8];
        var target = new Uri(_gateway.BaseAddress, "/console/users?handler=Create");
        // Another loopback origin (localhost is another site than 127.0.0.1) serving a page that posts the console's form by itself.
        await using var attacker = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync(
                $"<!DOCTYPE html><form id=f method=post action='{target}'><input name=login value='{victim}'></form><script>document.getElementById('f').submit()</script>",
                Encoding.UTF8);
        });

        Open("/console/signin");
        SignIn(GatewayHost.ApiToken);
        HeadlessChromium.WaitUntil(() => new Uri(Page.Url).AbsolutePath == "/console", () => "not signed in: " + Page.Url);

        Page.Navigate().GoToUrl(new Uri($"http://localhost:{attacker.BaseAddress.Port}/attack"));
        HeadlessChromium.WaitUntil(() => Page.Url.StartsWith(_gateway.BaseAddress.ToString(), StringComparison.Ordinal), () => "the attack page did not post: " + Page.Url);

        Assert.Null(await _gateway.Services.GetRequiredService<UserStore>().GetAsync(victim));
        output.WriteLine("The cross-site post ended on " + Page.Url);
    }

    private void Open(string path) => Page.Navigate().GoToUrl(new Uri(_gateway.BaseAddress, path));

    private void SignIn(string token)
    {
        var field = Page.FindElement(By.Id("token"));
        field.SendKeys(token);
        field.Submit();
    }
}

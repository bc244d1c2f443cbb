using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>
/// POST /rc/v1/app/login against password guessing: no telling from the answer time whether a user exists, failed
/// attempts limited per login and per client address (429 with Retry-After), and the client address taken only from
/// what a trusted proxy appended. The test client is on loopback, which the gateway trusts as a proxy (the Functions
/// host is one), so X-Forwarded-For here plays the part of Azure's front end.
/// </summary>
public sealed class LoginGuessingTests
{
    private const string WrongPassword = "not-the-password";

    [Fact]
    public async Task Guessing_whether_a_user_exists_from_how_long_the_login_takes_does_not_work()
    {
        await using var gateway = await StartAsync(perLogin: 1000, perAddress: 1000);
        var existing = await gateway.CreateUserAsync("timed");
        var withoutPassword = DeviceSessionGateway.NewUserId("nopassword");
        await gateway.Host.CreateUserAsync(withoutPassword);
        await gateway.TryLoginAsync(existing, WrongPassword);

        var known = new List<double>();
        var unknown = new List<double>();
        var passwordless = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            known.Add(await TimeFailedLoginAsync(gateway, existing));
            unknown.Add(await TimeFailedLoginAsync(gateway, DeviceSessionGateway.NewUserId("nobody")));
            passwordless.Add(await TimeFailedLoginAsync(gateway, withoutPassword));
        }

        // A password check costs a PBKDF2 derivation (tens to hundreds of milliseconds); skipping it for a missing user
        // made that answer many times faster. A factor of 4 leaves room for a loaded machine's noise.
        var reference = Median(known);
        Assert.True(Median(unknown) > reference / 4, $"unknown user {Median(unknown):F1} ms, existing user {reference:F1} ms");
        Assert.True(Median(passwordless) > reference / 4, $"user without a password {Median(passwordless):F1} ms, existing user {reference:F1} ms");
    }

    [Fact]
    public async Task Guessing_one_users_password_from_many_addresses_is_refused_with_429_and_retry_after_once_its_failures_are_used_up()
    {
        await using var gateway = await StartAsync(perLogin: 3, perAddress: 1000, window: TimeSpan.FromHours(1));
        var user = await gateway.CreateUserAsync("target");

        for (var i = 0; i < 3; i++)
        {
            using var guess = await gateway.TryLoginAsync(user, WrongPassword, forwardedFor: $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using var refused = await gateway.TryLoginAsync(user, WrongPassword, forwardedFor: "203.0.113.100");
        using var evenTheRightOne = await gateway.TryLoginAsync(user, DeviceSessionGateway.Password, forwardedFor: "203.0.113.101");
        using var anotherUser = await gateway.TryLoginAsync(await gateway.CreateUserAsync("bystander"), DeviceSessionGateway.Password, forwardedFor: "203.0.113.100");

        AssertThrottled(refused, TimeSpan.FromHours(1));
        AssertThrottled(evenTheRightOne, TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, anotherUser.StatusCode);
    }

    [Fact]
    public async Task Trying_many_logins_from_one_address_is_refused_once_the_address_used_up_its_failures()
    {
        await using var gateway = await StartAsync(perLogin: 1000, perAddress: 4, window: TimeSpan.FromHours(1));
        var victim = await gateway.CreateUserAsync("victim");

        for (var i = 0; i < 4; i++)
        {
            using var guess = await gateway.TryLoginAsync(DeviceSessionGateway.NewUserId("sprayed"), WrongPassword, forwardedFor: "198.51.100.7");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using var refused = await gateway.TryLoginAsync(victim, WrongPassword, forwardedFor: "198.51.100.7");
        using var elsewhere = await gateway.TryLoginAsync(victim, DeviceSessionGateway.Password, forwardedFor: "198.51.100.8");

        AssertThrottled(refused, TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Writing_a_new_address_into_X_Forwarded_For_does_not_escape_the_address_limit()
    {
        await using var gateway = await StartAsync(perLogin: 1000, perAddress: 3, window: TimeSpan.FromHours(1));

        // The client writes any address it likes; the front end appends the one it saw (198.51.100.9). Only that one counts.
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var guess = await gateway.TryLoginAsync(DeviceSessionGateway.NewUserId("sprayed"), WrongPassword, forwardedFor: $"192.0.2.{i + 1}, 198.51.100.9");
            answers.Add(guess.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task An_attacker_holding_an_IPv6_64_cannot_take_a_fresh_address_for_every_guess()
    {
        await using var gateway = await StartAsync(perLogin: 1000, perAddress: 2, window: TimeSpan.FromHours(1));

        var answers = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++)
        {
            using var guess = await gateway.TryLoginAsync(DeviceSessionGateway.NewUserId("sprayed"), WrongPassword, forwardedFor: $"[2001:db8:1:2::{i:x}]:443");
            answers.Add(guess.StatusCode);
        }

        using var otherSubscriber = await gateway.TryLoginAsync(DeviceSessionGateway.NewUserId("sprayed"), WrongPassword, forwardedFor: "[2001:db8:1:3::1]:443");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.Unauthorized, otherSubscriber.StatusCode);
    }

    [Fact]
    public async Task A_burst_of_parallel_guesses_gets_no_more_tries_than_the_allowed_failures()
    {
        await using var gateway = await StartAsync(perLogin: 3, perAddress: 1000, window: TimeSpan.FromHours(1));
        var user = await gateway.CreateUserAsync("burst");

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var guess = await gateway.TryLoginAsync(user, WrongPassword, forwardedFor: $"203.0.113.{i + 1}");
            return guess.StatusCode;
        }));

        Assert.Equal(3, answers.Count(a => a == HttpStatusCode.Unauthorized));
        Assert.All(answers.Where(a => a != HttpStatusCode.Unauthorized), a => Assert.Equal(HttpStatusCode.TooManyRequests, a));
    }

    [Fact]
    public async Task Devices_sharing_one_address_that_log_in_correctly_do_not_use_up_its_failures()
    {
        await using var gateway = await StartAsync(perLogin: 1000, perAddress: 2, window: TimeSpan.FromHours(1));
        var devices = new[] { await gateway.CreateUserAsync("scanner"), await gateway.CreateUserAsync("scanner"), await gateway.CreateUserAsync("scanner") };
        const string nat = "198.51.100.20";

        using (var typo = await gateway.TryLoginAsync(devices[0], WrongPassword, forwardedFor: nat))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, typo.StatusCode);
        }

        for (var round = 0; round < 4; round++)
        {
            foreach (var device in devices)
            {
                using var login = await gateway.TryLoginAsync(device, DeviceSessionGateway.Password, forwardedFor: nat);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }
        }

        using var secondTypo = await gateway.TryLoginAsync(devices[1], WrongPassword, forwardedFor: nat);
        using var thirdTypo = await gateway.TryLoginAsync(devices[2], WrongPassword, forwardedFor: nat);
        Assert.Equal(HttpStatusCode.Unauthorized, secondTypo.StatusCode);
        AssertThrottled(thirdTypo, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task A_throttled_login_is_allowed_again_once_its_window_has_passed()
    {
        await using var gateway = await StartAsync(perLogin: 1, perAddress: 1000, window: TimeSpan.FromSeconds(2));
        var user = await gateway.CreateUserAsync("patient");
        using (var guess = await gateway.TryLoginAsync(user, WrongPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using (var refused = await gateway.TryLoginAsync(user, DeviceSessionGateway.Password))
        {
            AssertThrottled(refused, TimeSpan.FromSeconds(2));
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode last;
        do
        {
            await Task.Delay(250);
            using var retry = await gateway.TryLoginAsync(user, DeviceSessionGateway.Password);
            last = retry.StatusCode;
        }
        while (last == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, last);
    }

    private static Task<DeviceSessionGateway> StartAsync(int perLogin, int perAddress, TimeSpan? window = null) =>
        DeviceSessionGateway.StartAsync(new Dictionary<string, string?>
        {
            ["RhoConnect:LoginFailuresPerLogin"] = perLogin.ToString(CultureInfo.InvariantCulture),
            ["RhoConnect:LoginFailuresPerAddress"] = perAddress.ToString(CultureInfo.InvariantCulture),
            ["RhoConnect:LoginFailureWindow"] = (window ?? TimeSpan.FromMinutes(15)).ToString("c", CultureInfo.InvariantCulture),
        });

    private static async Task<double> TimeFailedLoginAsync(DeviceSessionGateway gateway, string login)
    {
        var clock = Stopwatch.StartNew();
        using var response = await gateway.TryLoginAsync(login, WrongPassword);
        clock.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void AssertThrottled(HttpResponseMessage response, TimeSpan window)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), window + TimeSpan.FromSeconds(1));
    }
}

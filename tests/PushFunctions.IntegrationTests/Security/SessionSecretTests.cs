using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>
/// The session secret can be rotated without logging every device out (the first listed secret signs, every listed one
/// verifies), a dropped secret stops working, and a cookie cannot be rewritten for another user or a later expiry.
/// </summary>
public sealed class SessionSecretTests
{
    private const string OldSecret = "old-session-secret-0123456789abcdef";
    private const string NewSecret = "new-session-secret-fedcba9876543210";

    [Fact]
    public async Task Rotating_the_session_secret_keeps_sessions_of_a_listed_secret_and_ends_those_of_a_dropped_one()
    {
        await using var before = await DeviceSessionGateway.StartAsync(new Dictionary<string, string?> { ["RhoConnect:SessionSecret"] = OldSecret });
        var user = await before.CreateUserAsync("rotating");
        var oldSession = await before.OpenSessionAsync(user);
        string newSession;

        await using (var during = await DeviceSessionGateway.StartAsync(SameStorage(before, $"{NewSecret},{OldSecret}")))
        {
            await AssertSessionWorksAsync(during, user, oldSession, HttpStatusCode.OK);
            newSession = await during.OpenSessionAsync(user);
        }

        await using var after = await DeviceSessionGateway.StartAsync(SameStorage(before, NewSecret));
        await AssertSessionWorksAsync(after, user, newSession, HttpStatusCode.OK);
        await AssertSessionWorksAsync(after, user, oldSession, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_session_cookie_rewritten_for_another_user_or_a_later_expiry_is_refused()
    {
        await using var gateway = await DeviceSessionGateway.StartAsync();
        var (alice, bob) = (await gateway.CreateUserAsync("alice"), await gateway.CreateUserAsync("bob"));
        var cookie = await gateway.OpenSessionAsync(alice);
        var parts = cookie["rhoconnect_session=".Length..].Split('.');

        var asBob = $"rhoconnect_session={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(bob))}.{parts[1]}.{parts[2]}";
        var later = $"rhoconnect_session={parts[0]}.{long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 86_400}.{parts[2]}";

        await AssertSessionWorksAsync(gateway, bob, asBob, HttpStatusCode.UnprocessableEntity);
        await AssertSessionWorksAsync(gateway, alice, later, HttpStatusCode.UnprocessableEntity);
        await AssertSessionWorksAsync(gateway, alice, cookie, HttpStatusCode.OK);
    }

    private static Dictionary<string, string?> SameStorage(DeviceSessionGateway gateway, string secret) => new()
    {
        ["Storage:TablePrefix"] = gateway.Host.Settings["Storage:TablePrefix"],
        ["PushQueue:QueueName"] = gateway.Host.QueueName,
        ["RhoConnect:SessionSecret"] = secret,
    };

    private static async Task AssertSessionWorksAsync(DeviceSessionGateway gateway, string user, string session, HttpStatusCode expected)
    {
        using var response = await gateway.SendAsync(HttpMethod.Get, $"/rc/v1/users/{user}/clients", session: session);
        Assert.Equal(expected, response.StatusCode);
    }
}

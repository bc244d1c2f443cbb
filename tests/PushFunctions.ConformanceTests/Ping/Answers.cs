using System.Net;
using System.Text.RegularExpressions;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>The contract's answers, asserted the same way everywhere (spec: rhoconnect-ping.md, "Response" and the error rows).</summary>
public static partial class Answers
{
    public const string NoApiToken = "No API token provided";
    public const string UserIdRequired = "user_id is required";

    /// <summary>Asserts the 200 answer (status, headers, exact body shape) and returns the ping id.</summary>
    public static async Task<string> AcceptedAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal(["no-cache"], response.Headers.Pragma.Select(p => p.ToString()));
        var match = PingIdBody().Match(body);
        Assert.True(match.Success, $"Not a {{\"ping_id\":\"...\"}} body: {body}");
        return match.Groups["id"].Value;
    }

    /// <summary>Asserts an error answer: never 500, the expected status, text/plain, a non-empty body; returns the body.</summary>
    public static async Task<string> RejectedAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(body), "An error answer names the problem.");
        return body;
    }

    /// <summary>RhoConnect's 422 for a missing or unknown token, kept byte for byte because backends match on it.</summary>
    public static async Task RefusedTokenAsync(HttpResponseMessage response) =>
        Assert.Equal(NoApiToken, await RejectedAsync(response, HttpStatusCode.UnprocessableEntity));

    [GeneratedRegex("^\\{\"ping_id\":\"(?<id>[0-9a-f]{32}-[0-9]{1,3})\"\\}$")]
    private static partial Regex PingIdBody();
}

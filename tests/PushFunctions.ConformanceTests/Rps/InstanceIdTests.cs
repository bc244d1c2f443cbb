using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

public sealed class InstanceIdTests(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task Post_instanceId_answers_200_with_a_json_instance_id()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);

        var instance = await device.CreateInstanceAsync();

        Assert.Matches("^[0-9a-f]{32}:[A-Za-z0-9_-]{43}$", instance);
    }

    [Fact]
    public async Task Post_instanceId_gives_a_new_id_each_time()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);

        Assert.NotEqual(await device.CreateInstanceAsync(), await device.CreateInstanceAsync());
    }

    [Fact]
    public async Task Post_instanceId_without_credentials_is_401_with_an_empty_body()
    {
        using var response = await fixture.Client.PostAsync("/instanceId", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_instanceId_with_a_wrong_password_is_401()
    {
        var device = new RelayDevice(fixture.Client, "alice", "wrong");
        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_instanceId_answers_204_and_sets_an_instance_cookie_that_is_not_the_id()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        var instance = await device.CreateInstanceAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, $"/instanceId/{instance}"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = RelayDevice.InstanceCookieOf(response);
        Assert.NotNull(cookie);
        Assert.NotEqual(instance, cookie);
    }

    [Fact]
    public async Task Each_get_instanceId_issues_a_fresh_cookie_and_each_one_is_valid()
    {
        var (device, _) = await fixture.ConnectAsync();
        var first = device.Cookie;
        var second = await device.FetchCookieAsync();
        Assert.NotEqual(first, second);

        foreach (var cookie in new[] { first, second })
        {
            using var request = device.Request(HttpMethod.Get, device.RegistrationPath(RelayFixture.AppName), withCookie: false);
            request.Headers.Add("Cookie", $"instance={cookie}");
            using var response = await fixture.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Get_instanceId_of_another_users_instance_is_404()
    {
        var alice = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        var instance = await alice.CreateInstanceAsync();
        var bob = new RelayDevice(fixture.Client, "bob", RelayFixture.Password);

        using var response = await fixture.Client.SendAsync(bob.Request(HttpMethod.Get, $"/instanceId/{instance}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_instanceId_of_a_forged_instance_is_404()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        var forged = "0123456789abcdef0123456789abcdef:" + new string('A', 43);

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, $"/instanceId/{forged}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_instanceId_without_credentials_is_401()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        var instance = await device.CreateInstanceAsync();

        using var response = await fixture.Client.GetAsync($"/instanceId/{instance}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Delete_instanceId_answers_204_then_404()
    {
        var (device, _) = await fixture.ConnectAsync();

        using var first = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, $"/instanceId/{device.Instance}"));
        using var second = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, $"/instanceId/{device.Instance}"));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
    }

    /// <summary>The original keeps nothing for an instance until it registers, and answers 404 to deleting it.</summary>
    [Fact]
    public async Task Delete_instanceId_of_an_instance_that_never_registered_is_404()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        var instance = await device.CreateInstanceAsync();
        await device.FetchCookieAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, $"/instanceId/{instance}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Delete_instanceId_removes_its_registrations()
    {
        var (device, token) = await fixture.ConnectAsync();

        using var deleted = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, $"/instanceId/{device.Instance}"));
        using var posted = await fixture.PostAsync(token, """{"data":{"alert":"x"}}""");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
    }
}

using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

public sealed class NextMessageTests(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task The_same_message_comes_again_until_it_is_acknowledged()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var posted = await fixture.PostAsync(token, """{"data":{"alert":"one"}}""");

        var first = await device.ReceiveAsync();
        var again = await device.ReceiveAsync();

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("one", again.Data.GetProperty("alert").GetString());
    }

    [Fact]
    public async Task Acknowledging_with_lastMessage_moves_to_the_next_message()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var one = await fixture.PostAsync(token, """{"data":{"alert":"one"}}""");
        using var two = await fixture.PostAsync(token, """{"data":{"alert":"two"}}""");

        var first = await device.ReceiveAsync();
        var second = await device.ReceiveAsync(lastMessage: first.Id);

        Assert.Equal("one", first.Data.GetProperty("alert").GetString());
        Assert.Equal("two", second.Data.GetProperty("alert").GetString());
        Assert.True(second.Id > first.Id);
    }

    [Fact]
    public async Task Message_ids_increase_per_instance()
    {
        var (device, token) = await fixture.ConnectAsync();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            using var posted = await fixture.PostAsync(token, $$$"""{"data":{"n":{{{i}}}}}""");
            var received = await device.ReceiveAsync(ids.Count == 0 ? null : ids[^1]);
            ids.Add(received.Id);
        }

        Assert.Equal([1, 2, 3], ids);
    }

    [Fact]
    public async Task Acknowledging_everything_then_polling_waits_for_the_next_message()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var posted = await fixture.PostAsync(token, """{"data":{"alert":"one"}}""");
        var first = await device.ReceiveAsync();

        var waiting = device.PollAsync(first.Id);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        using var next = await fixture.PostAsync(token, """{"data":{"alert":"two"}}""");
        using var response = await waiting;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (id, _, data) = await RelayDevice.ReadMessageAsync(response);
        Assert.Equal(first.Id + 1, id);
        Assert.Equal("two", data.GetProperty("alert").GetString());
    }

    [Fact]
    public async Task A_waiting_poll_is_answered_the_moment_a_message_arrives()
    {
        var (device, token) = await fixture.ConnectAsync();
        var waiting = device.PollAsync();
        await Task.Delay(300);

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var posted = await fixture.PostAsync(token, """{"data":{"alert":"now"}}""");
        using var response = await waiting;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"answered after {started.Elapsed}");
    }

    [Fact]
    public async Task Messages_of_two_apps_on_one_instance_carry_their_own_tokens()
    {
        var (device, token) = await fixture.ConnectAsync();
        var otherToken = await device.RegisterAsync(RelayFixture.OtherAppName);
        using var one = await fixture.PostAsync(token, """{"data":{"alert":"mine"}}""");
        using var two = await fixture.PostAsync(otherToken, """{"data":{"alert":"other"}}""", RelayFixture.OtherAppName, RelayFixture.OtherAppPassword);

        var first = await device.ReceiveAsync();
        var second = await device.ReceiveAsync(first.Id);

        Assert.Equal(token, first.Token);
        Assert.Equal(otherToken, second.Token);
    }

    [Fact]
    public async Task The_poll_timeout_answers_204()
    {
        var (device, _) = await fixture.ConnectAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var response = await device.PollAsync();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_new_poll_answers_the_older_one_204_at_once()
    {
        var (device, token) = await fixture.ConnectAsync();
        var older = device.PollAsync();
        await Task.Delay(300);

        var newer = device.PollAsync();
        using var olderResponse = await older.WaitAsync(TimeSpan.FromSeconds(1));
        using var posted = await fixture.PostAsync(token, """{"data":{"alert":"to the newer"}}""");
        using var newerResponse = await newer;

        Assert.Equal(HttpStatusCode.NoContent, olderResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newerResponse.StatusCode);
    }

    [Fact]
    public async Task Deleting_the_registration_answers_a_waiting_poll_410()
    {
        var (device, _) = await fixture.ConnectAsync();
        var waiting = device.PollAsync();
        await Task.Delay(300);

        using var deleted = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));
        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Polling_without_the_cookie_is_401()
    {
        var (device, _) = await fixture.ConnectAsync();

        using var response = await fixture.Client.GetAsync($"/nextMessage/{device.Instance}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Polling_with_a_cookie_of_another_instance_is_401()
    {
        var (first, _) = await fixture.ConnectAsync();
        var (second, _) = await fixture.ConnectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/nextMessage/{second.Instance}");
        request.Headers.Add("Cookie", $"instance={first.Cookie}");

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Polling_an_instance_without_registration_is_404()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        await device.CreateInstanceAsync();
        await device.FetchCookieAsync();

        using var response = await device.PollAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_lastMessage_that_is_not_a_number_is_400()
    {
        var (device, _) = await fixture.ConnectAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, $"/nextMessage/{device.Instance}?lastMessage=abc", withBasic: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

public sealed class CollapseTests(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task A_message_with_the_same_collapseId_replaces_the_queued_one_keeping_its_place()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var first = await fixture.PostAsync(token, """{"collapseId":7,"data":{"alert":"old"}}""");
        using var between = await fixture.PostAsync(token, """{"data":{"alert":"between"}}""");
        using var replacement = await fixture.PostAsync(token, """{"collapseId":7,"data":{"alert":"new"}}""");

        var head = await device.ReceiveAsync();
        var next = await device.ReceiveAsync(head.Id);
        using var empty = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, $"/nextMessage/{device.Instance}?lastMessage={next.Id}", withBasic: false));

        Assert.Equal(HttpStatusCode.NoContent, replacement.StatusCode);
        Assert.Equal("new", head.Data.GetProperty("alert").GetString());
        Assert.Equal("between", next.Data.GetProperty("alert").GetString());
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
    }

    [Fact]
    public async Task Messages_without_collapseId_never_collapse()
    {
        var (device, token) = await fixture.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            using var posted = await fixture.PostAsync(token, $$$"""{"data":{"n":{{{i}}}}}""");
        }

        var received = new List<int>();
        long? last = null;
        for (var i = 0; i < 3; i++)
        {
            var message = await device.ReceiveAsync(last);
            received.Add(message.Data.GetProperty("n").GetInt32());
            last = message.Id;
        }

        Assert.Equal([0, 1, 2], received);
    }

    [Fact]
    public async Task Different_collapseIds_do_not_collapse()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var one = await fixture.PostAsync(token, """{"collapseId":1,"data":{"alert":"one"}}""");
        using var two = await fixture.PostAsync(token, """{"collapseId":2,"data":{"alert":"two"}}""");

        var first = await device.ReceiveAsync();
        var second = await device.ReceiveAsync(first.Id);

        Assert.Equal("one", first.Data.GetProperty("alert").GetString());
        Assert.Equal("two", second.Data.GetProperty("alert").GetString());
    }

    [Fact]
    public async Task The_same_collapseId_of_another_app_does_not_collapse()
    {
        var (device, token) = await fixture.ConnectAsync();
        var otherToken = await device.RegisterAsync(RelayFixture.OtherAppName);
        using var one = await fixture.PostAsync(token, """{"collapseId":3,"data":{"alert":"mine"}}""");
        using var two = await fixture.PostAsync(otherToken, """{"collapseId":3,"data":{"alert":"other"}}""", RelayFixture.OtherAppName, RelayFixture.OtherAppPassword);

        var first = await device.ReceiveAsync();
        var second = await device.ReceiveAsync(first.Id);

        Assert.Equal("mine", first.Data.GetProperty("alert").GetString());
        Assert.Equal("other", second.Data.GetProperty("alert").GetString());
    }

    [Fact]
    public async Task A_delivered_message_is_not_replaced_so_its_acknowledgement_cannot_drop_the_new_one()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var old = await fixture.PostAsync(token, """{"collapseId":9,"data":{"alert":"old"}}""");
        var delivered = await device.ReceiveAsync();
        using var replacement = await fixture.PostAsync(token, """{"collapseId":9,"data":{"alert":"new"}}""");

        var next = await device.ReceiveAsync(delivered.Id);

        Assert.Equal("old", delivered.Data.GetProperty("alert").GetString());
        Assert.Equal("new", next.Data.GetProperty("alert").GetString());
        Assert.True(next.Id > delivered.Id);
    }
}

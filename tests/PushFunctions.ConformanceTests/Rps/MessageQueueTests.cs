using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

public sealed class MessageQueueTests(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task Posting_a_message_answers_204_with_an_empty_body()
    {
        var (_, token) = await fixture.ConnectAsync();

        using var response = await fixture.PostAsync(token, """{"collapseId":5,"data":{"alert":"hello world","do_sync":["Product"]}}""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_device_receives_exactly_the_data_that_was_posted()
    {
        var (device, token) = await fixture.ConnectAsync();
        const string data = """{"alert":"hello world","sound":"hello.mp3","vibrate":"2000","do_sync":["Product","Customer"]}""";

        using var posted = await fixture.PostAsync(token, $$"""{"collapseId":5,"data":{{data}}}""");
        var (id, receivedToken, received) = await device.ReceiveAsync();

        Assert.Equal(1, id);
        Assert.Equal(token, receivedToken);
        Assert.Equal(data, received.GetRawText());
    }

    [Fact]
    public async Task A_charset_parameter_is_accepted()
    {
        var (_, token) = await fixture.ConnectAsync();

        using var response = await Backend.PostAsync(
            fixture.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""", "application/json; charset=utf-8");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_by_content_type_is_400(string contentType)
    {
        var (_, token) = await fixture.ConnectAsync();

        using var response = await Backend.PostAsync(fixture.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""", contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"data":"text"}""")]
    [InlineData("""{"data":[1,2]}""")]
    [InlineData("""{"data":null}""")]
    [InlineData("""{"collapseId":"5","data":{}}""")]
    [InlineData("""{"collapseId":true,"data":{}}""")]
    [InlineData("""{"collapseId":null,"data":{}}""")]
    [InlineData("""{"data":{}""")]
    public async Task A_bad_body_is_400(string body)
    {
        var (_, token) = await fixture.ConnectAsync();

        using var response = await fixture.PostAsync(token, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task No_basic_credentials_is_401()
    {
        var (_, token) = await fixture.ConnectAsync();
        using var content = new StringContent("""{"data":{}}""");
        content.Headers.ContentType = new("application/json");

        using var response = await fixture.Client.PostAsync($"/messageQueue/{token}", content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_app_password_is_401()
    {
        var (_, token) = await fixture.ConnectAsync();

        using var response = await fixture.PostAsync(token, """{"data":{}}""", appPassword: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_issued_for_another_app_is_401()
    {
        var (_, token) = await fixture.ConnectAsync();

        using var response = await fixture.PostAsync(token, """{"data":{}}""", RelayFixture.OtherAppName, RelayFixture.OtherAppPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("0123456789abcdef0123456789abcdef:not!base64")]
    [InlineData("0123456789abcdef0123456789abcdef:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_or_forged_token_is_401(string token)
    {
        using var response = await fixture.PostAsync(token, """{"data":{}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_well_formed_token_without_registration_is_404()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var deleted = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));

        using var response = await fixture.PostAsync(token, """{"data":{}}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_methods_on_the_message_queue_are_403(string method)
    {
        var (_, token) = await fixture.ConnectAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/messageQueue/{token}");
        request.Headers.Authorization = RelayDevice.Basic(RelayFixture.AppName, RelayFixture.AppPassword);

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

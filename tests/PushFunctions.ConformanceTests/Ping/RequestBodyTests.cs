using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>Content types, size limit, arrays in forms and the query merge (spec: rhoconnect-ping.md, "Request body").</summary>
public sealed class RequestBodyTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Route = "/rc/v1/users/ping";
    private const int LimitBytes = 64 * 1024;

    [Theory]
    [InlineData("{\"user_id\":\"someone\"")]
    [InlineData("{\"user_id\":someone}")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_400_naming_the_problem(string body)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json(body));

        Assert.Contains("JSON", await Answers.RejectedAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"someone\"]", "array")]
    [InlineData("\"someone\"", "string")]
    [InlineData("42", "number")]
    [InlineData("null", "null")]
    public async Task Json_that_is_not_an_object_is_400_naming_what_it_is(string body, string kind)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json(body));

        var message = await Answers.RejectedAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("object", message, StringComparison.Ordinal);
        Assert.Contains(kind, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_content_type_with_a_charset_is_json()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Of("{\"user_id\":\"someone\"}", "application/json; charset=utf-8"));

        await Answers.AcceptedAsync(response);
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_accepted()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json(JsonBodyOf(LimitBytes)));

        await Answers.AcceptedAsync(response);
    }

    [Fact]
    public async Task A_body_over_64_KiB_with_a_content_length_is_413()
    {
        using var content = RawContent.Json(JsonBodyOf(LimitBytes + 1));

        using var response = await fixture.PostAsync(Route, content);

        Assert.Equal(LimitBytes + 1, content.Headers.ContentLength);
        await Answers.RejectedAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData(RawContent.JsonType)]
    [InlineData(RawContent.FormType)]
    public async Task A_chunked_body_over_64_KiB_is_413(string contentType)
    {
        var body = contentType == RawContent.JsonType ? JsonBodyOf(LimitBytes + 1) : "user_id=someone&padding=" + new string('x', LimitBytes);
        using var request = await ChunkedRequestAsync(body, contentType);

        using var response = await fixture.Client.SendAsync(request);

        await Answers.RejectedAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData(RawContent.JsonType, "{\"user_id\":\"someone\"}")]
    [InlineData(RawContent.FormType, "user_id=someone")]
    public async Task A_small_chunked_body_is_read(string contentType, string body)
    {
        using var request = await ChunkedRequestAsync(body, contentType);

        using var response = await fixture.Client.SendAsync(request);

        await Answers.AcceptedAsync(response);
    }

    [Theory]
    [InlineData("text/plain", "user_id=someone")]
    [InlineData("application/xml", "<ping><user_id>someone</user_id></ping>")]
    [InlineData("application/octet-stream", "user_id=someone")]
    public async Task Another_content_type_with_a_body_is_415(string contentType, string body)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Of(body, contentType));

        await Answers.RejectedAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("user_id[]={0}&user_id[]={1}&message=both")]
    [InlineData("user_id={0}&user_id={1}&message=both")]
    public async Task Bracketed_and_repeated_form_names_both_make_arrays(string template)
    {
        var first = await fixture.AddAppleDeviceAsync();
        var second = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(Route, RawContent.Form(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, first.UserId, second.UserId)));

        var pingId = await Answers.AcceptedAsync(response);
        Assert.Equal("both", (await fixture.DeliveredPayloadAsync(pingId, first)).GetProperty("aps").GetProperty("alert").GetString());
        Assert.Equal("both", (await fixture.DeliveredPayloadAsync(pingId, second)).GetProperty("aps").GetProperty("alert").GetString());
    }

    [Fact]
    public async Task Query_parameters_are_merged_in_and_the_body_wins_on_conflict()
    {
        var inQuery = await fixture.AddAppleDeviceAsync();
        var inBody = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(
            $"{Route}?user_id={inQuery.UserId}&message=from+the+query", RawContent.Json($$"""{"user_id":"{{inBody.UserId}}"}"""));

        var pingId = await Answers.AcceptedAsync(response);
        var payload = await fixture.DeliveredPayloadAsync(pingId, inBody);
        Assert.Equal("from the query", payload.GetProperty("aps").GetProperty("alert").GetString());
        Assert.Empty(fixture.SentTo(inQuery));
    }

    [Fact]
    public async Task Query_parameters_alone_make_a_ping_without_a_body()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync($"{Route}?user_id={device.UserId}&message=query+only", content: null);

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        Assert.Equal("query only", payload.GetProperty("aps").GetProperty("alert").GetString());
    }

    [Fact]
    public async Task A_multipart_form_is_read_like_a_urlencoded_one()
    {
        var device = await fixture.AddAppleDeviceAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(device.UserId), "user_id" },
            { new StringContent("multipart"), "message" },
            { new StringContent("Product"), "sources[]" },
            { new StringContent("Customer"), "sources[]" },
        };

        using var response = await fixture.PostAsync(Route, form);

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        Assert.Equal("multipart", payload.GetProperty("aps").GetProperty("alert").GetString());
        Assert.Equal(["Product", "Customer"], payload.GetProperty("do_sync").EnumerateArray().Select(s => s.GetString()));
    }

    /// <summary>A stream of unknown length makes HttpClient send the body chunked, without a Content-Length.</summary>
    private static async Task<HttpRequestMessage> ChunkedRequestAsync(string body, string contentType)
    {
        // No writer pause: the whole body is written before anything reads it.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(body));
        await pipe.Writer.CompleteAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StreamContent(pipe.Reader.AsStream()) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-RhoConnect-API-TOKEN", Testing.Gateway.GatewayHost.ApiToken);
        request.Headers.TransferEncodingChunked = true;
        Assert.Null(request.Content.Headers.ContentLength);
        return request;
    }

    /// <summary>A valid ping body of exactly <paramref name="bytes"/> bytes, padded with an ignored parameter.</summary>
    private static string JsonBodyOf(int bytes)
    {
        const string head = "{\"user_id\":\"someone\",\"padding\":\"";
        const string tail = "\"}";
        var body = head + new string('x', bytes - head.Length - tail.Length) + tail;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));
        return body;
    }
}

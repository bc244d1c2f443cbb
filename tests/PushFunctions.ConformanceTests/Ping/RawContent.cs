using System.Net.Http.Headers;
using System.Text;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>Request bodies sent byte for byte with exactly the Content-Type given (no charset added), as curl and backends send them.</summary>
public static class RawContent
{
    public const string FormType = "application/x-www-form-urlencoded";
    public const string JsonType = "application/json";

    public static HttpContent Form(string body) => Of(body, FormType);

    public static HttpContent Json(string body) => Of(body, JsonType);

    public static HttpContent Of(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}

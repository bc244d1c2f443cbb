using System.Net.Http.Headers;
using System.Text;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>The backend side: <c>POST /messageQueue/{token}</c> exactly as the gateway sends it.</summary>
internal static class Backend
{
    public static Task<HttpResponseMessage> PostAsync(
        HttpClient client,
        string token,
        string appName,
        string appPassword,
        string body,
        string contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/messageQueue/{token}") { Content = content };
        request.Headers.Authorization = RelayDevice.Basic(appName, appPassword);
        return client.SendAsync(request);
    }
}

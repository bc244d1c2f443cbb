using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PushFunctions.Relay.Endpoints;

/// <summary>How the relay answers: JSON bodies for successes, bare status codes (empty bodies) for everything else.</summary>
internal static class Answers
{
    public const string JsonContentType = "application/json";

    public static void Status(HttpContext context, int statusCode) => context.Response.StatusCode = statusCode;

    /// <summary>Writes <c>{"name":"value"}</c>.</summary>
    public static async Task JsonPropertyAsync(HttpContext context, int statusCode, string name, string value)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString(name, value);
        writer.WriteEndObject();
    }
}

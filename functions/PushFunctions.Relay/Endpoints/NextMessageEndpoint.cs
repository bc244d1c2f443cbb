using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Polling;
using PushFunctions.Relay.Security;

namespace PushFunctions.Relay.Endpoints;

/// <summary><c>GET /nextMessage/{instance}?lastMessage=N</c>: acknowledge, then answer or hold the long poll.</summary>
public sealed class NextMessageEndpoint(DeviceDirectory directory, RelaySigner signer)
{
    public async Task PollAsync(HttpContext context, string instanceId)
    {
        if (!signer.Verify(SignedPurpose.InstanceCookie, instanceId, context.Request.Cookies[InstanceEndpoints.CookieName]))
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return;
        }

        if (!TryReadLastMessage(context.Request.Query["lastMessage"].ToString(), out var lastMessage))
        {
            Answers.Status(context, StatusCodes.Status400BadRequest);
            return;
        }

        if (directory.Find(instanceId) is not { } instance)
        {
            Answers.Status(context, StatusCodes.Status404NotFound);
            return;
        }

        await directory.TouchAsync(instance, context.RequestAborted);
        var answer = await directory.NextMessageAsync(instance, lastMessage, context.RequestAborted);
        switch (answer?.Outcome)
        {
            case null:
                Answers.Status(context, StatusCodes.Status404NotFound);
                break;
            case PollOutcome.Message:
                await WriteMessageAsync(context, answer.Value.Message!);
                break;
            case PollOutcome.Gone:
                Answers.Status(context, StatusCodes.Status410Gone);
                break;
            case PollOutcome.Abandoned:
                break;
            default:
                Answers.Status(context, StatusCodes.Status204NoContent);
                break;
        }
    }

    private static bool TryReadLastMessage(string text, out long? lastMessage)
    {
        lastMessage = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            lastMessage = value;
            return true;
        }

        return false;
    }

    private static async Task WriteMessageAsync(HttpContext context, QueuedMessage message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = Answers.JsonContentType;
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteNumber("id", message.Id);
        writer.WriteString("token", message.Token);
        writer.WritePropertyName("data");
        writer.WriteRawValue(message.Data, skipInputValidation: true);
        writer.WriteEndObject();
    }
}

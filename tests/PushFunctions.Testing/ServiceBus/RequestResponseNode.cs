using System.Collections.Concurrent;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A request/response node of the namespace (<c>$cbs</c>, <c>{queue}/$management</c>). The client's
/// RequestResponseAmqpLink (Microsoft.Azure.Amqp) attaches a sending link to the node's address for its requests and a
/// receiving link whose target is the reply-to address every request carries; each response goes back on that link,
/// its CorrelationId the request's MessageId.
/// </summary>
internal abstract class RequestResponseNode
{
    private readonly ConcurrentDictionary<string, SendingAmqpLink> _replyLinks = new(StringComparer.Ordinal);

    public void Attach(AmqpLink link)
    {
        if (link is ReceivingAmqpLink requests)
        {
            requests.RegisterMessageListener(request => Respond(requests, request));
            requests.SetTotalLinkCredit(100, true, true);
        }
        else if (link is SendingAmqpLink replies && (replies.Settings.Target as Target)?.Address?.ToString() is { } replyTo)
        {
            _replyLinks[replyTo] = replies;
            replies.Closed += (_, _) => _replyLinks.TryRemove(replyTo, out _);
        }
    }

    /// <summary>The response to one request; its status in the application properties, as the node's protocol says.</summary>
    protected abstract AmqpMessage Handle(AmqpMessage request, AmqpConnection connection);

    protected static AmqpMessage Response(string statusCodeName, int statusCode, string statusDescriptionName, string statusDescription, AmqpMap? body = null)
    {
        var response = body is null ? AmqpMessage.Create() : AmqpMessage.Create(new AmqpValue { Value = body });
        response.ApplicationProperties.Map[statusCodeName] = statusCode;
        response.ApplicationProperties.Map[statusDescriptionName] = statusDescription;
        return response;
    }

    private void Respond(ReceivingAmqpLink link, AmqpMessage request)
    {
        using (request)
        {
            var response = Handle(request, link.Session.Connection);
            response.Properties.CorrelationId = request.Properties.MessageId;
            response.Settled = true;
            if (!request.Settled)
            {
                link.DisposeMessage(request, AmqpConstants.AcceptedOutcome, true, false);
            }

            if (request.Properties.ReplyTo?.ToString() is { } replyTo && _replyLinks.TryGetValue(replyTo, out var replies))
            {
                replies.SendMessageNoWait(response, AmqpConstants.EmptyBinary, AmqpConstants.NullBinary);
            }
        }
    }
}

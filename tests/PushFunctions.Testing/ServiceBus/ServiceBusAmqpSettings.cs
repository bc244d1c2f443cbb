using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// AMQP 1.0 as the Service Bus SDK negotiates it (AmqpConnectionScope.CreateAmpqSettings): SASL with the MSSBCBS
/// mechanism, anonymous at the transport, because the identity is proven per link with claims-based security.
/// </summary>
public static class ServiceBusAmqpSettings
{
    public const string SaslMechanism = "MSSBCBS";

    public static AmqpSettings Create()
    {
        var version = new AmqpVersion(new Version(1, 0, 0, 0));
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(version);
        sasl.AddHandler(new SaslAnonymousHandler(SaslMechanism));
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(version);
        var settings = new AmqpSettings();
        settings.TransportProviders.Add(sasl);
        settings.TransportProviders.Add(amqp);
        return settings;
    }
}

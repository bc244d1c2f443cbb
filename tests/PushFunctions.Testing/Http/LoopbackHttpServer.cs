using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Testing.Http;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a free port, answering every request with one handler: the local
/// stand-in for a remote service in tests. With HTTPS it uses a fresh self-signed certificate that clients
/// must be told to trust (see <see cref="CreateTrustingHandler"/>).
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app, Uri baseAddress, X509Certificate2? certificate)
    {
        _app = app;
        BaseAddress = baseAddress;
        Certificate = certificate;
    }

    /// <summary>The server's root, e.g. http://127.0.0.1:41234/ (no path).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The self-signed certificate when the server speaks HTTPS.</summary>
    public X509Certificate2? Certificate { get; }

    public static async Task<LoopbackHttpServer> StartAsync(RequestDelegate handler, bool https = false)
    {
        ArgumentNullException.ThrowIfNull(handler);
        X509Certificate2? certificate = https ? CreateSelfSignedCertificate() : null;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));

        WebApplication app = builder.Build();
        app.Run(handler);
        await app.StartAsync().ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LoopbackHttpServer(app, new Uri(address.TrimEnd('/') + "/"), certificate);
    }

    /// <summary>A handler that trusts exactly this server's certificate (and, over plain HTTP, changes nothing).</summary>
    public HttpClientHandler CreateTrustingHandler()
    {
        string? thumbprint = Certificate?.Thumbprint;
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || (presented is not null && presented.Thumbprint == thumbprint),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Certificate?.Dispose();
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel on Linux needs the private key in an exportable, loadable form; a PFX round trip gives it that.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }
}

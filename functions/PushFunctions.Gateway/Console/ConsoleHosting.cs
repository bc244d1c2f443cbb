using Azure.Data.Tables;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Console.Protection;
using PushFunctions.Gateway.Console.Reading;
using PushFunctions.Gateway.Console.Sessions;
using PushFunctions.Gateway.Status;

namespace PushFunctions.Gateway.Console;

/// <summary>
/// The web console under /console: Razor Pages rendered on the server (HTML-encoded by default, antiforgery tokens in
/// every form and checked on every post, no front-end build step), one small script that polls a JSON endpoint, and
/// fingerprinted static assets served by MapStaticAssets. Only the sign-in page and the static assets answer without
/// a console session.
/// </summary>
public static class ConsoleHosting
{
    private const string Policy = "Console";
    private const string DataProtectionApplication = "PushFunctions.Gateway";

    public static void AddConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ConsoleOptions>(configuration.GetSection(ConsoleOptions.Section));
        services.AddSingleton<ConsoleSessionCookie>();
        services.AddSingleton<RecentPings>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ConsoleSessionHandler>(ConsoleSessionHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName).RequireAuthenticatedUser());
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Console/Pages";
            options.Conventions.AuthorizeFolder("/", Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "pushfunctions_console_antiforgery";
            options.Cookie.Path = ConsoleRoutes.Root;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        // Antiforgery tokens are protected with Data Protection keys kept in the gateway's storage, shared by every instance.
        services.AddDataProtection().SetApplicationName(DataProtectionApplication);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new TableXmlRepository(() => sp.GetRequiredService<TableServiceClient>()
                .GetTableClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.TablePrefix + "Keys"))));
    }

    /// <param name="underFunctionsHost">
    /// Under the Functions host the app is reached only by the host, over loopback HTTP: the scheme the caller used
    /// (X-Forwarded-Proto) decides whether the console's cookies are Secure.
    /// </param>
    /// <remarks>Runs after the gateway's forwarded-headers step, so a session cookie is Secure when the client's connection was HTTPS.</remarks>
    public static void UseConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ConsoleRoutes.Root) && context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            {
                // Pages and data are per operator and change by the second: never stored by a browser or a proxy.
                var headers = context.Response.Headers;
                headers.CacheControl = "no-store";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
            }

            return next(context);
        });
    }

    public static void MapConsole(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        app.MapGet(ConsoleRoutes.Api + "/pings/{ping_id}", GetPingStatusAsync).RequireAuthorization(Policy);
    }

    /// <summary>The status document the ping pages poll while they show a ping's progress, a console page of devices at a time.</summary>
    private static Task<IResult> GetPingStatusAsync(string ping_id, HttpRequest request, PingStatusStore store, CancellationToken cancellationToken) =>
        PingStatusEndpoints.AnswerPageAsync(ping_id, request, store, PingStatusView.DevicesPerPage, Results.NotFound(), cancellationToken);
}

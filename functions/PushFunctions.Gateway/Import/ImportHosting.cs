using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Import.Importing;
using PushFunctions.Import.Source;
using PushFunctions.Import.State;

namespace PushFunctions.Gateway.Import;

/// <summary>
/// The gateway's own import from RhoConnect, on when <c>RhoConnect__ImportFrom</c> and <c>RhoConnect__ImportApiToken</c>
/// are both set: under the Functions host the timer function runs it, standalone <see cref="ScheduledImportService"/>.
/// </summary>
public static class ImportHosting
{
    public static IServiceCollection AddRhoConnectImport(this IServiceCollection services, IConfiguration configuration, bool underFunctionsHost)
    {
        services.AddOptions<RhoConnectOptions>()
            .Validate(
                o => string.IsNullOrWhiteSpace(o.ImportFrom) == string.IsNullOrWhiteSpace(o.ImportApiToken),
                "RhoConnect:ImportFrom and RhoConnect:ImportApiToken are set together (the import is on) or not at all.")
            .Validate(
                o => string.IsNullOrWhiteSpace(o.ImportFrom) || IsHttpUrl(o.ImportFrom),
                "RhoConnect:ImportFrom is the RhoConnect server's http:// or https:// URL.")
            .Validate(
                o => o.ImportInterval > TimeSpan.Zero && o.ImportConcurrency is >= 1 and <= 64,
                "RhoConnect:ImportInterval is longer than zero and RhoConnect:ImportConcurrency 1 to 64.")
            .ValidateOnStart();

        var settings = configuration.GetSection(RhoConnectOptions.Section).Get<RhoConnectOptions>() ?? new RhoConnectOptions();
        if (!settings.ImportEnabled)
        {
            return services;
        }

        services.AddSingleton(sp => new ImportStateStore(sp.GetRequiredService<TableServiceClient>().GetTableClient(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.TablePrefix + ImportStateStore.TableName)));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RhoConnectOptions>>().Value;
            return new RegistrationImporter(
                new RhoConnectClient(new Uri(options.ImportFrom), options.ImportApiToken),
                sp.GetRequiredService<UserStore>(),
                sp.GetRequiredService<RegistrationStore>(),
                sp.GetRequiredService<ImportStateStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RegistrationImporter>>());
        });
        services.AddSingleton<ScheduledImport>();
        services.AddHealthChecks().AddCheck<ImportHealthCheck>("import");
        if (!underFunctionsHost)
        {
            services.AddHostedService<ScheduledImportService>();
        }

        return services;
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

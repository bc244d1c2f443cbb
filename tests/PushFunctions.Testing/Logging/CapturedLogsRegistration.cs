using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Testing.Logging;

public static class CapturedLogsRegistration
{
    /// <summary>Adds a <see cref="CapturedLogs"/> provider the app owns; read it back with <c>Services.GetRequiredService&lt;CapturedLogs&gt;()</c>.</summary>
    public static IServiceCollection AddCapturedLogs(this IServiceCollection services) => services
        .AddSingleton<CapturedLogs>()
        .AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<CapturedLogs>());
}

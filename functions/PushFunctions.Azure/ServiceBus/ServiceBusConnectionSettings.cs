using Azure.Core;
using Azure.Identity;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// The namespace named by a Functions-style connection setting, read as the Service Bus trigger reads it: either a
/// connection string in <c>{name}</c> (SAS; a local stand-in's http endpoint is used as given), or, in Azure where
/// SAS is disabled, <c>{name}__fullyQualifiedNamespace</c> with <c>{name}__credential=managedidentity</c> and
/// <c>{name}__clientId</c> for a user-assigned identity (without <c>__credential</c>, the developer's own sign-in works too).
/// </summary>
public static class ServiceBusConnectionSettings
{
    public const string FullyQualifiedNamespaceSuffix = "__fullyQualifiedNamespace";
    public const string CredentialSuffix = "__credential";
    public const string ClientIdSuffix = "__clientId";

    /// <param name="lookup">Reads a setting by its full name (environment-variable style, with "__").</param>
    /// <param name="settingName">The connection setting's name, e.g. "ServiceBusConnection".</param>
    /// <param name="options">Retry, transport and size limit.</param>
    public static ServiceBusClient CreateClient(Func<string, string?> lookup, string settingName, ServiceBusClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup(settingName) is { Length: > 0 } connectionString)
        {
            return new ServiceBusClient(connectionString, options);
        }

        if (lookup(settingName + FullyQualifiedNamespaceSuffix) is not { Length: > 0 } fullyQualifiedNamespace)
        {
            throw new InvalidOperationException(
                $"Service Bus is not configured: set {settingName}{FullyQualifiedNamespaceSuffix} (managed identity), or {settingName} to a connection string.");
        }

        var clientId = lookup(settingName + ClientIdSuffix) is { Length: > 0 } id ? id : null;
        TokenCredential credential = string.Equals(lookup(settingName + CredentialSuffix), "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new ServiceBusClient(fullyQualifiedNamespace, credential, options);
    }
}

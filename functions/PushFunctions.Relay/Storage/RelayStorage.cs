using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// The table service named by a Functions-style connection setting (the relay reads <c>AzureWebJobsStorage</c>, as the
/// function app does): a connection string (Azurite, keyed accounts), or, where shared keys are disabled,
/// <c>{name}__tableServiceUri</c> or <c>{name}__accountName</c> with an Entra ID credential: the managed identity when
/// <c>{name}__credential</c> is <c>managedidentity</c> (<c>{name}__clientId</c> for a user-assigned one), otherwise
/// <see cref="DefaultAzureCredential"/> (which also tries that client id first).
/// </summary>
public static class RelayStorage
{
    /// <param name="setting">Reads a setting by its full name, environment-variable style (with "__").</param>
    public static TableServiceClient CreateTableServiceClient(Func<string, string?> setting, string name, TableClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (setting(name) is { Length: > 0 } connectionString)
        {
            return new TableServiceClient(connectionString, options);
        }

        var endpoint = setting(name + "__tableServiceUri") is { Length: > 0 } uri ? new Uri(uri)
            : setting(name + "__accountName") is { Length: > 0 } account ? new Uri($"https://{account}.table.core.windows.net")
            : throw new InvalidOperationException(
                $"Storage is not configured: set {name} to a connection string, or {name}__accountName (or {name}__tableServiceUri) for an Entra ID identity.");
        return new TableServiceClient(endpoint, CreateCredential(setting(name + "__credential"), setting(name + "__clientId")), options);
    }

    private static TokenCredential CreateCredential(string? credential, string? clientId)
    {
        var userAssigned = string.IsNullOrEmpty(clientId) ? null : clientId;
        return string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(userAssigned is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(userAssigned))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = userAssigned });
    }
}

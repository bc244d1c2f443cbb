using Azure;
using Azure.Data.Tables;
using PushFunctions.Core.Users;

namespace PushFunctions.Azure.Stores;

/// <summary>
/// Users live in the Users table, one partition per user: row "" is the user, the other rows are its clients
/// (see <see cref="RegistrationStore"/>). One partition read answers "does the user exist, and what are its devices",
/// which is the read the fan-out does for every user of a ping.
/// </summary>
public sealed class UserStore(TableClient users)
{
    internal const string UserRowKey = "";
    private const string PasswordHashProperty = "PasswordHash";

    public TableClient Table => users;

    public async Task<UserRecord?> GetAsync(string login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        if (!TableKeys.IsStorable(login))
        {
            return null;
        }

        var entity = await users.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(login), UserRowKey, cancellationToken: cancellationToken);
        return entity.HasValue ? new UserRecord(login, entity.Value!.GetString(PasswordHashProperty)) : null;
    }

    /// <summary>Creates the user, or replaces its password when it exists (RhoConnect's create is idempotent).</summary>
    public async Task SaveAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var entity = new TableEntity(TableKeys.Encode(user.Login), UserRowKey)
        {
            [PasswordHashProperty] = user.PasswordHash,
        };
        await users.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListLoginsAsync(CancellationToken cancellationToken = default)
    {
        var logins = new List<string>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {UserRowKey}");
        await foreach (var entity in users.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            logins.Add(TableKeys.Decode(entity.PartitionKey));
        }

        return logins;
    }

    /// <summary>Deletes the user and every client it has. Returns false when the user does not exist.</summary>
    public async Task<bool> DeleteAsync(string login, RegistrationStore registrations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        if (await GetAsync(login, cancellationToken) is null)
        {
            return false;
        }

        foreach (var client in await registrations.ListAsync(login, cancellationToken))
        {
            await registrations.DeleteAsync(login, client.ClientId, cancellationToken);
        }

        await users.DeleteEntityAsync(TableKeys.Encode(login), UserRowKey, ETag.All, cancellationToken);
        return true;
    }
}

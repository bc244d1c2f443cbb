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

    /// <summary>
    /// Creates the user, or replaces its password when it exists, so creating a user again is idempotent. Two writes of
    /// one user at once do not silently overwrite each other: the one that loses the race fails with 409 (both inserted)
    /// or 412 (the row changed since it was read), as a <see cref="RequestFailedException"/>.
    /// </summary>
    public async Task SaveAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var entity = new TableEntity(TableKeys.Encode(user.Login), UserRowKey)
        {
            [PasswordHashProperty] = user.PasswordHash,
        };
        var existing = await users.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, UserRowKey, cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            await users.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await users.AddEntityAsync(entity, cancellationToken);
        }
    }

    /// <summary>
    /// Creates the user, without a password, unless it exists: an existing user is left exactly as it is, its password
    /// hash included. True when this call created it.
    /// </summary>
    public async Task<bool> CreateIfMissingAsync(string login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        try
        {
            await users.AddEntityAsync(new TableEntity(TableKeys.Encode(login), UserRowKey), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
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

    /// <summary>
    /// One page of logins in key order, those starting with <paramref name="prefix"/> (all when empty, case-sensitive),
    /// resuming where <paramref name="continuationToken"/> left off. The service may answer a filtered query with short
    /// or empty pages, so pages are read until this one is full or the logins run out.
    /// </summary>
    public async Task<UserPage> ListPageAsync(string? prefix, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {UserRowKey}");
        if (!string.IsNullOrEmpty(prefix))
        {
            // Keys encode character by character, so the encoded prefix bounds the encoded keys: [prefix, prefix with its last character + 1).
            var from = TableKeys.Encode(prefix);
            var to = from[..^1] + (char)(from[^1] + 1);
            filter = TableClient.CreateQueryFilter($"RowKey eq {UserRowKey} and PartitionKey ge {from} and PartitionKey lt {to}");
        }

        var logins = new List<string>(pageSize);
        var token = continuationToken;
        do
        {
            var wanted = pageSize - logins.Count;
            await foreach (var page in users.QueryAsync<TableEntity>(filter, wanted, ["PartitionKey"], cancellationToken).AsPages(token, wanted))
            {
                logins.AddRange(page.Values.Select(entity => TableKeys.Decode(entity.PartitionKey)));
                token = page.ContinuationToken;
                break;
            }
        }
        while (token is not null && logins.Count < pageSize);

        return new UserPage(logins, token);
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

using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Registrations;

namespace PushFunctions.Azure.Stores;

/// <summary>
/// Clients (device registrations) are rows of their user's partition in the Users table, so the fan-out reads a
/// user and all its devices in one query. The ClientIndex table maps a client id to its user for the routes that
/// name only the client.
/// </summary>
public sealed class RegistrationStore(TableClient users, TableClient clientIndex)
{
    private const string InvalidReasonProperty = "invalid_reason";
    private const string UserIdProperty = "UserId";
    private const string IndexRowKey = "";

    public TableClient IndexTable => clientIndex;

    public async Task<UserDevices> GetUserDevicesAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (!TableKeys.IsStorable(userId))
        {
            return new UserDevices(userId, Exists: false, []);
        }

        var found = await ReadUsersAsync(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(userId)}"), cancellationToken);
        return found.Count == 1 ? found[0] : new UserDevices(userId, Exists: false, []);
    }

    /// <summary>
    /// Every user, with its clients, whose key lies from <paramref name="firstUserId"/>'s to <paramref name="lastUserId"/>'s
    /// (keys order users ordinally by <see cref="TableKeys.Encode"/>), in one range query: how a bulk reader reads many
    /// users at once instead of one partition each. A user missing here has no row at all.
    /// </summary>
    public async Task<IReadOnlyList<UserDevices>> ListUserDevicesAsync(string firstUserId, string lastUserId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firstUserId);
        ArgumentNullException.ThrowIfNull(lastUserId);
        return await ReadUsersAsync(
            TableClient.CreateQueryFilter($"PartitionKey ge {TableKeys.Encode(firstUserId)} and PartitionKey le {TableKeys.Encode(lastUserId)}"),
            cancellationToken);
    }

    public async Task<IReadOnlyList<ClientRegistration>> ListAsync(string userId, CancellationToken cancellationToken = default) =>
        (await GetUserDevicesAsync(userId, cancellationToken)).Clients;

    public async Task<string?> FindUserAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (!IsClientId(clientId))
        {
            return null;
        }

        var index = await clientIndex.GetEntityIfExistsAsync<TableEntity>(clientId, IndexRowKey, cancellationToken: cancellationToken);
        return index.HasValue ? index.Value!.GetString(UserIdProperty) : null;
    }

    public async Task<ClientRegistration?> GetAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var userId = await FindUserAsync(clientId, cancellationToken);
        if (userId is null)
        {
            return null;
        }

        var entity = await users.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(userId), clientId, cancellationToken: cancellationToken);
        return entity.HasValue ? ToRegistration(userId, entity.Value!) : null;
    }

    /// <summary>
    /// Longest device field value stored: a Table Storage string property holds 64 KiB of UTF-16. Longer values are
    /// the caller's mistake, refused before they reach storage.
    /// </summary>
    public const int MaxFieldLength = 32 * 1024;

    /// <summary>Creates a client with a new id (32 lowercase hex, as RhoConnect's) for an existing user.</summary>
    public async Task<ClientRegistration> CreateAsync(string userId, CancellationToken cancellationToken = default) =>
        await CreateAsync(userId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), new Dictionary<string, string>(), cancellationToken)
        ?? throw new InvalidOperationException("A random 128-bit client id is already taken.");

    /// <summary>
    /// Creates the client <paramref name="clientId"/> for <paramref name="userId"/> with the given device fields. Null when
    /// another user holds the id, also when that user's request created it concurrently: the index insert decides. An id
    /// this user already holds is registered again (a retried or concurrent create of the same device).
    /// </summary>
    public async Task<ClientRegistration?> CreateAsync(
        string userId, string clientId, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (!IsClientId(clientId))
        {
            throw new ArgumentException("A client id is 32 lowercase hexadecimal characters.", nameof(clientId));
        }

        var client = DeviceFields.Apply(new ClientRegistration(userId, clientId), fields);
        try
        {
            // The index is written first: a client row without an index entry could never be found by its id.
            await clientIndex.AddEntityAsync(IndexEntity(client), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            if (await FindUserAsync(clientId, cancellationToken) != userId)
            {
                return null;
            }
        }

        return await WriteAsync(client, userId, cancellationToken);
    }

    /// <summary>
    /// Applies a register call: named fields are written, the others kept. A client that belonged to another user
    /// moves to <paramref name="userId"/> (null keeps its user). Null when the client id is unknown.
    /// </summary>
    public async Task<ClientRegistration?> RegisterAsync(
        string clientId, string? userId, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(clientId, cancellationToken);
        if (current is null)
        {
            return null;
        }

        var updated = DeviceFields.Apply(current, fields) with { UserId = userId ?? current.UserId };
        return await WriteAsync(updated, current.UserId, cancellationToken);
    }

    /// <summary>
    /// Stores the client exactly as given: its user, every device field (a null stays null, unlike a register call,
    /// which keeps what it does not name) and no invalid mark, whatever the store held. Created when the id is new,
    /// moved when another user held it. Returns the user that held the id before, null when nobody did. This is how
    /// registrations are copied from a server that is the truth about them.
    /// </summary>
    public async Task<string?> PutAsync(ClientRegistration client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!IsClientId(client.ClientId))
        {
            throw new ArgumentException("A client id is 32 lowercase hexadecimal characters.", nameof(client));
        }

        client = client with { InvalidReason = null };
        try
        {
            // Most ids are new: the index insert is then all the lookup it takes, and it comes first, as in CreateAsync.
            await clientIndex.AddEntityAsync(IndexEntity(client), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var previousUserId = await FindUserAsync(client.ClientId, cancellationToken);
            await WriteAsync(client, previousUserId, cancellationToken);
            return previousUserId;
        }

        await users.UpsertEntityAsync(ToEntity(client), TableUpdateMode.Replace, cancellationToken);
        return null;
    }

    public async Task<bool> DeleteAsync(string userId, string clientId, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsStorable(userId) || !IsClientId(clientId))
        {
            return false;
        }

        var existing = await users.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(userId), clientId, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return false;
        }

        await users.DeleteEntityAsync(TableKeys.Encode(userId), clientId, ETag.All, cancellationToken);
        // Only this user's index entry: a client moved to another user meanwhile must stay findable by its id.
        var index = await clientIndex.GetEntityIfExistsAsync<TableEntity>(clientId, IndexRowKey, cancellationToken: cancellationToken);
        if (index.HasValue && index.Value!.GetString(UserIdProperty) == userId)
        {
            try
            {
                await clientIndex.DeleteEntityAsync(clientId, IndexRowKey, index.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Moved to another user between the read and the delete: the entry is that user's now.
            }
        }

        return true;
    }

    /// <summary>
    /// A push service said the handle of <paramref name="client"/> is gone: skip the device until it registers again.
    /// The mark applies only if the stored row is still the one read into <paramref name="client"/> (If-Match on its
    /// ETag): a device that registered again meanwhile, likely with a new handle, keeps its registration.
    /// </summary>
    /// <returns>True when marked; false when the registration changed or was deleted since it was read.</returns>
    public async Task<bool> MarkInvalidAsync(ClientRegistration client, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.ETag is null)
        {
            throw new ArgumentException("Only a registration read from the store, with its ETag, can be marked.", nameof(client));
        }

        var entity = new TableEntity(TableKeys.Encode(client.UserId), client.ClientId) { [InvalidReasonProperty] = reason };
        try
        {
            await users.UpdateEntityAsync(entity, new ETag(client.ETag), TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Deleted (404) or written again (412, ETag mismatch) since the send read it: nothing of that registration left to mark.
            return false;
        }
    }

    /// <summary>The users whose rows the filter selects, with their clients: rows come grouped by partition, one user each.</summary>
    private async Task<List<UserDevices>> ReadUsersAsync(string filter, CancellationToken cancellationToken)
    {
        var found = new List<UserDevices>();
        string? partition = null;
        var exists = false;
        var clients = new List<ClientRegistration>();
        await foreach (var entity in users.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.PartitionKey != partition)
            {
                if (partition is not null)
                {
                    found.Add(new UserDevices(TableKeys.Decode(partition), exists, clients));
                }

                (partition, exists, clients) = (entity.PartitionKey, false, []);
            }

            if (entity.RowKey == UserStore.UserRowKey)
            {
                exists = true;
            }
            else
            {
                clients.Add(ToRegistration(TableKeys.Decode(partition), entity));
            }
        }

        if (partition is not null)
        {
            found.Add(new UserDevices(TableKeys.Decode(partition), exists, clients));
        }

        return found;
    }

    /// <summary>Client ids are what RhoConnect issues (SecureRandom.hex: 32 lowercase hex digits); they are table keys as they are.</summary>
    public static bool IsClientId(string clientId) =>
        clientId is { Length: 32 } && clientId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>
    /// Writes the client's row; a client that belonged to <paramref name="previousUserId"/> moves: index first, old row
    /// last. The registration returned carries the written row's ETag.
    /// </summary>
    private async Task<ClientRegistration> WriteAsync(ClientRegistration client, string? previousUserId, CancellationToken cancellationToken)
    {
        var moves = previousUserId != client.UserId;
        if (moves)
        {
            await clientIndex.UpsertEntityAsync(IndexEntity(client), TableUpdateMode.Replace, cancellationToken);
        }

        var response = await users.UpsertEntityAsync(ToEntity(client), TableUpdateMode.Replace, cancellationToken);
        if (moves && previousUserId is not null)
        {
            await users.DeleteEntityAsync(TableKeys.Encode(previousUserId), client.ClientId, ETag.All, cancellationToken);
        }

        return client with { ETag = response.Headers.ETag?.ToString() };
    }

    private static TableEntity IndexEntity(ClientRegistration client) =>
        new(client.ClientId, IndexRowKey) { [UserIdProperty] = client.UserId };

    private static TableEntity ToEntity(ClientRegistration client)
    {
        var entity = new TableEntity(TableKeys.Encode(client.UserId), client.ClientId);
        foreach (var field in DeviceFields.All)
        {
            entity[field] = DeviceFields.Get(client, field);
        }

        entity[InvalidReasonProperty] = client.InvalidReason;
        return entity;
    }

    private static ClientRegistration ToRegistration(string userId, TableEntity entity) =>
        new(
            userId,
            entity.RowKey,
            entity.GetString(DeviceFields.DeviceType),
            entity.GetString(DeviceFields.DevicePushType),
            entity.GetString(DeviceFields.DevicePin),
            entity.GetString(DeviceFields.DevicePort),
            entity.GetString(DeviceFields.PhoneId),
            entity.GetString(DeviceFields.DeviceAppId),
            entity.GetString(DeviceFields.DeviceAppVersion),
            entity.GetString(InvalidReasonProperty),
            entity.ETag == default ? null : entity.ETag.ToString());
}

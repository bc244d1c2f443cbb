using System.Globalization;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Registrations;
using PushFunctions.Testing;

namespace PushFunctions.Testing.Storage;

/// <summary>
/// Writes users and their native devices straight into the Users table in RegistrationStore's layout (partition = user,
/// row "" = the user, row = client id per device), one entity-group transaction per 100 rows: registering 60,000
/// devices through the API would take longer than the benchmark itself.
/// </summary>
public static class FanoutSeeder
{
    private const int RowsPerTransaction = 100;
    private const int TransactionsInFlight = 32;
    private static readonly string[] DeviceTypes = ["APPLE", "ANDROID", "WNS"];

    /// <summary>
    /// Creates <paramref name="userCount"/> users named <c>{prefix}{n in base 36}</c>, each with <paramref name="devicesPerUser"/>
    /// devices cycling APNs, FCM, WNS. Short ids keep a ping naming 10,000 users inside the gateway's 64 KiB body limit.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SeedAsync(TableClient users, string prefix, int userCount, int devicesPerUser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        var userIds = Enumerable.Range(0, userCount).Select(n => prefix + ShortIds.Base36(n)).ToList();
        await Parallel.ForEachAsync(userIds, new ParallelOptions { MaxDegreeOfParallelism = TransactionsInFlight, CancellationToken = cancellationToken }, async (userId, token) =>
        {
            var partition = TableKeys.Encode(userId);
            var rows = new List<TableEntity>(devicesPerUser + 1) { new(partition, string.Empty) };
            for (var d = 0; d < devicesPerUser; d++)
            {
                var deviceType = DeviceTypes[d % DeviceTypes.Length];
                rows.Add(new TableEntity(partition, string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(userId.GetHashCode(StringComparison.Ordinal)):x8}{d:x24}"))
                {
                    [DeviceFields.DeviceType] = deviceType,
                    [DeviceFields.DevicePin] = string.Create(CultureInfo.InvariantCulture, $"{deviceType.ToLowerInvariant()}-{userId}-{d}"),
                });
            }

            foreach (var chunk in rows.Chunk(RowsPerTransaction))
            {
                await users.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), token);
            }
        });
        return userIds;
    }
}

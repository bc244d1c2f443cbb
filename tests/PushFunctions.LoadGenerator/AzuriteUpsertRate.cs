using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;

namespace PushFunctions.LoadGenerator;

/// <summary>
/// Azurite's own single-entity upsert rate into a table like the relay's message table (keys shaped like an instance id
/// and a zero-padded message id, a message's properties), with the same number of calls in flight: the baseline the
/// relay's durable message rate is judged against in the same run.
/// </summary>
public static class AzuriteUpsertRate
{
    public static async Task<double> MeasureAsync(string connectionString, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var table = new TableClient(connectionString, "RelayBench" + Guid.NewGuid().ToString("N")[..16]);
        await table.CreateIfNotExistsAsync(cancellationToken);
        try
        {
            var upserted = 0L;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
            {
                var partition = Guid.NewGuid().ToString("N") + ":" + new string('x', 43);
                for (var row = 0L; stopwatch.Elapsed < duration; row++)
                {
                    var entity = new TableEntity(partition, row.ToString("D19", CultureInfo.InvariantCulture))
                    {
                        ["AppName"] = "benchapp",
                        ["Token"] = partition,
                        ["Data"] = $$$"""{"alert":"bench message {{{row}}}","do_sync":["Product"]}""",
                    };
                    await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
                    Interlocked.Increment(ref upserted);
                }
            }));
            return upserted / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await table.DeleteAsync(CancellationToken.None);
        }
    }
}

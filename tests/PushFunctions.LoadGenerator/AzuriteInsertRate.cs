using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;

namespace PushFunctions.LoadGenerator;

/// <summary>
/// Azurite's own entity insert rate, measured the way the relay writes a message (one insert of a similar row) with the
/// same number of calls in flight, so the relay's durable rate can be judged against it in the same run.
/// </summary>
public static class AzuriteInsertRate
{
    public static async Task<double> MeasureAsync(string connectionString, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var table = new TableClient(connectionString, "RelayBench" + Guid.NewGuid().ToString("N")[..16]);
        await table.CreateIfNotExistsAsync(cancellationToken);
        try
        {
            var inserted = 0L;
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
                    await table.AddEntityAsync(entity, cancellationToken);
                    Interlocked.Increment(ref inserted);
                }
            }));
            return inserted / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await table.DeleteAsync(CancellationToken.None);
        }
    }
}

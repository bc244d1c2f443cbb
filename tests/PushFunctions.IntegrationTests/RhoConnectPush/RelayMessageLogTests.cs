using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PushFunctions.Relay.Storage;
using PushFunctions.Relay.Storage.Log;
using PushFunctions.Testing;
using Azure.Core;
using TableClient = Azure.Data.Tables.TableClient;
using TableClientOptions = Azure.Data.Tables.TableClientOptions;
using TableEntity = Azure.Data.Tables.TableEntity;

namespace PushFunctions.IntegrationTests.RhoConnectPush;

/// <summary>The relay's message log on Azurite: what is appended is what a start replays, before and after compaction.</summary>
public sealed class RelayMessageLogTests : IAsyncLifetime
{
    private readonly TableClient table = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("RelayLog"));

    public Task InitializeAsync() => table.CreateIfNotExistsAsync();

    public Task DisposeAsync() => table.DeleteAsync();

    [Fact]
    public async Task A_start_replays_queued_collapsed_removed_and_deleted_messages_as_they_were_left()
    {
        using (var log = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance))
        {
            await log.LoadAsync();
            await Task.WhenAll(
                log.AppendAsync(Queued("a", 1, "one")),
                log.AppendAsync(Queued("a", 2, "two")),
                log.AppendAsync(Queued("b", 1, "gone")));
            await log.AppendAsync(Queued("a", 2, "two, collapsed"));
            await log.AppendAsync(LogRecord.Removed("a", [1], lastIssuedId: 2));
            await log.AppendAsync(LogRecord.Deleted("b"));
        }

        using var restarted = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        var state = await restarted.LoadAsync();

        var message = Assert.Single(state.Messages);
        Assert.Equal(("a", 2L, "two, collapsed"), (message.InstanceId, message.Id, Encoding.UTF8.GetString(message.Data)));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 2 }, state.Watermarks);
    }

    [Fact]
    public async Task Compaction_writes_a_checkpoint_that_replays_to_the_same_state_and_deletes_what_it_supersedes()
    {
        // Over a megabyte into one instance's shard makes its compaction due.
        var data = new string('x', 60_000);
        using (var log = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance))
        {
            await log.LoadAsync();
            for (var id = 1; id <= 20; id++)
            {
                await log.AppendAsync(Queued("device", id, $"{id}:{data}"));
            }

            await log.AppendAsync(LogRecord.Removed("device", [.. Enumerable.Range(1, 18).Select(id => (long)id)], lastIssuedId: 20));
            var before = table.Query<TableEntity>().Count();

            await log.CompactDueAsync(CancellationToken.None);

            var after = table.Query<TableEntity>().ToList();
            Assert.Equal(21, before);
            Assert.All(after, entity => Assert.NotNull(entity.GetInt64(LogCodec.CheckpointProperty)));
            await log.AppendAsync(Queued("device", 21, "after the checkpoint"));
        }

        using var restarted = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        var state = await restarted.LoadAsync();

        Assert.Equal([19L, 20L, 21L], state.Messages.Select(message => message.Id).Order());
        Assert.StartsWith("19:", Encoding.UTF8.GetString(state.Messages.Single(message => message.Id == 19).Data), StringComparison.Ordinal);
        Assert.Equal(20, state.Watermarks["device"]);
    }

    [Fact]
    public async Task A_checkpoint_whose_entities_are_not_all_written_is_ignored()
    {
        string partition;
        using (var log = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance))
        {
            await log.LoadAsync();
            await log.AppendAsync(Queued("device", 1, "kept"));
            partition = table.Query<TableEntity>().Single().PartitionKey;
        }

        // A compaction cut short: the first of two checkpoint entities, claiming an empty state as of everything.
        var part = LogCodec.ToEntity(partition, 100, LogCodec.Encode([]));
        part[LogCodec.CheckpointProperty] = 100L;
        part[LogCodec.AsOfProperty] = 99L;
        part[LogCodec.PartsProperty] = 2;
        await table.AddEntityAsync(part);

        using var restarted = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        var state = await restarted.LoadAsync();

        Assert.Equal("kept", Encoding.UTF8.GetString(Assert.Single(state.Messages).Data));
    }

    [Fact]
    public async Task Rows_of_the_shard_layout_are_moved_into_the_log_and_still_there_after_the_next_start()
    {
        // Rows as the row-per-message layout wrote them: shard partitions, row = "{instance}:{19-digit id}", the data in
        // binary parts, and the instance's highest issued id in "{instance}:watermark".
        await table.AddEntityAsync(new TableEntity("shard2", "device:0000000000000000007")
        {
            ["AppName"] = "app",
            ["CollapseId"] = "3",
            ["Data"] = Encoding.UTF8.GetBytes("{\"n\":"),
            ["Data1"] = Encoding.UTF8.GetBytes("7}"),
        });
        await table.AddEntityAsync(new TableEntity("shard2", "device:watermark") { ["LastIssuedId"] = 9L });

        using (var upgraded = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance))
        {
            var loaded = await upgraded.LoadAsync();
            Assert.Equal(7, Assert.Single(loaded.Messages).Id);
        }

        using var restarted = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        var state = await restarted.LoadAsync();

        var message = Assert.Single(state.Messages);
        Assert.Equal(("device", 7L, "3", "{\"n\":7}"), (message.InstanceId, message.Id, message.CollapseId, Encoding.UTF8.GetString(message.Data)));
        Assert.Equal(9, state.Watermarks["device"]);
        Assert.DoesNotContain(table.Query<TableEntity>(), entity => entity.PartitionKey.StartsWith("shard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_read_beside_the_writing_relay_finds_every_message_even_when_a_compaction_deletes_what_it_chose_to_read()
    {
        // Over a megabyte into one instance's shard, twice, makes a compaction due each time.
        var data = new string('x', 60_000);
        using var log = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        await log.LoadAsync();
        for (var id = 1; id <= 20; id++)
        {
            await log.AppendAsync(Queued("device", id, $"{id}:{data}"));
        }

        await log.CompactDueAsync(CancellationToken.None);
        for (var id = 21; id <= 40; id++)
        {
            await log.AppendAsync(Queued("device", id, $"{id}:{data}"));
        }

        // The reader chooses the first checkpoint; before it reads the entities after it, the relay compacts again, which
        // deletes that checkpoint and the entities the new one covers.
        var compactFirst = new BeforeFirstMatchingRequestPolicy("RowKey gt", () => log.CompactDueAsync(CancellationToken.None));
        var options = new TableClientOptions();
        options.AddPolicy(compactFirst, HttpPipelinePosition.PerCall);
        var state = await MessageLog.ReadAsync(new TableClient(AzuriteEnvironment.ConnectionString, table.Name, options));

        Assert.True(compactFirst.Fired);
        Assert.Equal(Enumerable.Range(1, 40).Select(id => (long)id), state.Messages.Select(message => message.Id).Order());
    }

    [Fact]
    public async Task A_message_of_the_largest_size_the_settings_allow_is_written_and_replayed()
    {
        var data = new string('x', 700 * 1024);
        using (var log = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance))
        {
            await log.LoadAsync();
            await log.AppendAsync(Queued("a-device-instance-id-of-the-usual-length", 1, data));
        }

        using var restarted = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        var state = await restarted.LoadAsync();

        Assert.Equal(data, Encoding.UTF8.GetString(Assert.Single(state.Messages).Data));
    }

    [Fact]
    public async Task Delivered_messages_without_an_acknowledgement_are_written_together_in_one_entity_once_the_linger_has_passed()
    {
        var linger = TimeSpan.FromMilliseconds(300);
        using var log = new MessageLog(table, linger, NullLogger.Instance);
        await log.LoadAsync();

        var started = Stopwatch.StartNew();
        await Task.WhenAll(
            log.AppendAsync(Queued("a", 1, "one"), awaitsAcknowledgement: true),
            log.AppendAsync(Queued("a", 2, "two"), awaitsAcknowledgement: true)).WaitAsync(TimeSpan.FromSeconds(30));

        // Timers count whole milliseconds, the stopwatch does not.
        Assert.True(started.Elapsed >= linger - TimeSpan.FromMilliseconds(2), $"written after {started.Elapsed}");
        Assert.Single(table.Query<TableEntity>());
    }

    [Fact]
    public async Task An_acknowledgement_writes_the_lingering_message_at_once_and_both_share_one_entity()
    {
        // A linger no test waits out: only the acknowledgement can make the write happen in time.
        using (var log = new MessageLog(table, TimeSpan.FromMinutes(10), NullLogger.Instance))
        {
            await log.LoadAsync();
            var message = log.AppendAsync(Queued("a", 1, "one"), awaitsAcknowledgement: true);
            await Task.WhenAll(message, log.AppendAsync(LogRecord.Removed("a", [1], lastIssuedId: 1))).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Single(table.Query<TableEntity>());
        using var restarted = new MessageLog(table, TimeSpan.Zero, NullLogger.Instance);
        var state = await restarted.LoadAsync();
        Assert.Empty(state.Messages);
        Assert.Equal(1, state.Watermarks["a"]);
    }

    [Fact]
    public async Task A_message_no_device_is_waiting_for_is_written_at_once_and_takes_a_lingering_one_with_it()
    {
        using var log = new MessageLog(table, TimeSpan.FromMinutes(10), NullLogger.Instance);
        await log.LoadAsync();

        // One instance, so one shard: its first message was handed to the device, the ones after it are queued behind.
        var delivered = log.AppendAsync(Queued("a", 1, "delivered"), awaitsAcknowledgement: true);
        await Task.WhenAll(delivered, log.AppendAsync(Queued("a", 2, "queued behind it"))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(table.Query<TableEntity>());
        await log.AppendAsync(Queued("a", 3, "queued, alone")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, table.Query<TableEntity>().Count());
    }

    private static LogRecord Queued(string instanceId, long id, string text) =>
        LogRecord.Queued(new StoredMessage(instanceId, id, "app", null, Encoding.UTF8.GetBytes(text), DateTimeOffset.UtcNow));
}

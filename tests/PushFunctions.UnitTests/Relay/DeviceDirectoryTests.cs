using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Polling;
using PushFunctions.Relay.Security;

namespace PushFunctions.UnitTests.Relay;

public sealed class DeviceDirectoryTests
{
    private readonly InMemoryRelayStore store = new();
    private readonly ManualTimeProvider clock = new();

    private DeviceDirectory NewDirectory(TimeSpan? lifetime = null) => new(
        store,
        new RelaySigner("unit-test-secret-0123456789abcdefghijklmnop"),
        new PollDeadlines(clock),
        clock,
        Options.Create(new RelayOptions { PollTimeout = TimeSpan.FromSeconds(10), RegistrationLifetime = lifetime ?? TimeSpan.FromDays(30) }));

    private static async Task<(DeviceInstance Instance, Registration Registration)> RegisterAsync(DeviceDirectory directory)
    {
        var instance = await directory.CreateInstanceAsync("alice");
        var registration = await directory.RegisterAsync(instance, "alice", "app");
        return (instance, registration!);
    }

    [Fact]
    public async Task A_failed_write_queues_nothing_and_does_not_answer_the_backend()
    {
        var directory = NewDirectory();
        var (instance, registration) = await RegisterAsync(directory);
        store.FailWrites = true;

        await Assert.ThrowsAsync<IOException>(() => directory.EnqueueAsync(registration.Token, null, "{}"));

        Assert.Empty(instance.Queue);
    }

    [Fact]
    public async Task A_waiting_poll_gets_the_message_even_before_the_write_completes()
    {
        var directory = NewDirectory();
        var (instance, registration) = await RegisterAsync(directory);
        var waiting = directory.NextMessageAsync(instance, null, CancellationToken.None);
        var slowWrite = new TaskCompletionSource();
        store.WritesWaitFor = slowWrite.Task;

        var enqueueing = directory.EnqueueAsync(registration.Token, null, """{"alert":"hi"}""");
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        var answeredBeforeTheWrite = !enqueueing.IsCompleted && store.MessageIds(instance.Id).Count == 0;
        slowWrite.SetResult();
        await enqueueing;

        Assert.True(answeredBeforeTheWrite);
        Assert.Equal(PollOutcome.Message, answer!.Value.Outcome);
        Assert.Equal("""{"alert":"hi"}""", answer.Value.Message!.Data);
        Assert.Equal([1L], store.MessageIds(instance.Id));
    }

    [Fact]
    public async Task After_a_reload_ids_continue_above_the_acknowledged_ones()
    {
        var directory = NewDirectory();
        var (instance, registration) = await RegisterAsync(directory);
        await directory.EnqueueAsync(registration.Token, null, "{}");
        await directory.EnqueueAsync(registration.Token, null, "{}");
        await directory.NextMessageAsync(instance, null, CancellationToken.None);
        var acknowledging = directory.NextMessageAsync(instance, 2, CancellationToken.None);
        Assert.Empty(store.MessageIds(instance.Id));

        var reloaded = NewDirectory();
        await reloaded.LoadAsync();
        await reloaded.EnqueueAsync(registration.Token, null, "{}");

        Assert.Equal([3L], store.MessageIds(instance.Id));
        Assert.False(acknowledging.IsCompleted);
    }

    [Fact]
    public async Task A_reload_restores_queued_messages_in_id_order()
    {
        var directory = NewDirectory();
        var (instance, registration) = await RegisterAsync(directory);
        foreach (var n in new[] { 1, 2, 3 })
        {
            await directory.EnqueueAsync(registration.Token, null, $$$"""{"n":{{{n}}}}""");
        }

        var reloaded = NewDirectory();
        await reloaded.LoadAsync();
        var restored = reloaded.Find(instance.Id)!;

        Assert.Equal([1L, 2L, 3L], restored.Queue.Select(message => message.Id));
        Assert.Equal(registration, reloaded.FindByToken(registration.Token));
    }

    [Fact]
    public async Task An_instance_without_activity_for_the_lifetime_is_not_found_and_swept()
    {
        var directory = NewDirectory(TimeSpan.FromDays(30));
        var (instance, registration) = await RegisterAsync(directory);

        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        Assert.Null(directory.Find(instance.Id));
        Assert.Null(directory.FindByToken(registration.Token));
        Assert.Equal(1, await directory.SweepExpiredAsync());
        Assert.Equal(0, directory.InstanceCount);
    }

    [Fact]
    public async Task Activity_moves_the_expiry()
    {
        var directory = NewDirectory(TimeSpan.FromDays(30));
        var (instance, _) = await RegisterAsync(directory);

        clock.Advance(TimeSpan.FromDays(20));
        await directory.TouchAsync(instance);
        clock.Advance(TimeSpan.FromDays(20));

        Assert.NotNull(directory.Find(instance.Id));
        Assert.Equal(0, await directory.SweepExpiredAsync());
    }

    [Fact]
    public async Task A_poll_past_the_timeout_is_answered_timed_out_by_the_deadlines()
    {
        var deadlines = new PollDeadlines(clock);
        var directory = new DeviceDirectory(
            store,
            new RelaySigner("unit-test-secret-0123456789abcdefghijklmnop"),
            deadlines,
            clock,
            Options.Create(new RelayOptions { PollTimeout = TimeSpan.FromSeconds(10) }));
        var (instance, _) = await RegisterAsync(directory);
        var waiting = directory.NextMessageAsync(instance, null, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(10));
        deadlines.ExpireDue();

        Assert.Equal(PollOutcome.TimedOut, (await waiting)!.Value.Outcome);
        Assert.Null(instance.Poll);
    }
}

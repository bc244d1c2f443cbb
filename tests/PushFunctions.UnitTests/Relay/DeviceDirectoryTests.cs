using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Polling;
using PushFunctions.Relay.Security;

namespace PushFunctions.UnitTests.Relay;

public sealed class DeviceDirectoryTests : IDisposable
{
    private static readonly RelaySigner Signer = new("unit-test-secret-0123456789abcdefghijklmnop");
    private readonly InMemoryRelayStore store = new();
    private readonly ManualTimeProvider clock = new();
    private readonly DroppedMessages dropped = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private DeviceDirectory NewDirectory(TimeSpan? lifetime = null, PollDeadlines? deadlines = null, RelayOptions? settings = null) => new(
        store,
        Signer,
        deadlines ?? new PollDeadlines(clock),
        dropped,
        clock,
        Options.Create(settings ?? new RelayOptions { PollTimeout = TimeSpan.FromSeconds(10), RegistrationLifetime = lifetime ?? TimeSpan.FromDays(30) }));

    private static async Task<(DeviceInstance Instance, Registration Registration)> RegisterAsync(DeviceDirectory directory, string user = "alice")
    {
        var instanceId = Signer.Issue(SignedPurpose.Instance, user);
        var (_, registration) = await directory.RegisterAsync(instanceId, user, "app");
        return (directory.Find(instanceId)!, registration!);
    }

    public void Dispose() => dropped.Dispose();

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task A_failed_write_queues_nothing_and_does_not_answer_the_backend()
    {
        var directory = NewDirectory();
        var (instance, registration) = await RegisterAsync(directory);
        store.FailWrites = true;

        await Assert.ThrowsAsync<IOException>(() => directory.EnqueueAsync(registration.Token, null, Json("{}")));

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

        var enqueueing = directory.EnqueueAsync(registration.Token, null, Json("""{"alert":"hi"}"""));
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        var answeredBeforeTheWrite = !enqueueing.IsCompleted && store.MessageIds(instance.Id).Count == 0;
        slowWrite.SetResult();
        await enqueueing;

        Assert.True(answeredBeforeTheWrite);
        Assert.Equal(PollOutcome.Message, answer!.Value.Outcome);
        Assert.Equal("""{"alert":"hi"}""", Encoding.UTF8.GetString(answer.Value.Message!.Data));
        Assert.Equal([1L], store.MessageIds(instance.Id));
    }

    [Fact]
    public async Task After_a_reload_ids_continue_above_the_acknowledged_ones()
    {
        var directory = NewDirectory();
        var (instance, registration) = await RegisterAsync(directory);
        await directory.EnqueueAsync(registration.Token, null, Json("{}"));
        await directory.EnqueueAsync(registration.Token, null, Json("{}"));
        await directory.NextMessageAsync(instance, null, CancellationToken.None);
        var acknowledging = directory.NextMessageAsync(instance, 2, CancellationToken.None);
        Assert.Empty(store.MessageIds(instance.Id));

        var reloaded = NewDirectory();
        await reloaded.LoadAsync();
        await reloaded.EnqueueAsync(registration.Token, null, Json("{}"));

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
            await directory.EnqueueAsync(registration.Token, null, Json($$$"""{"n":{{{n}}}}"""));
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
        Assert.Equal((1, 0), await directory.SweepExpiredAsync());
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
        Assert.Equal((0, 0), await directory.SweepExpiredAsync());
    }

    [Fact]
    public async Task A_poll_past_the_timeout_is_answered_timed_out_by_the_deadlines()
    {
        var deadlines = new PollDeadlines(clock);
        var directory = NewDirectory(deadlines: deadlines);
        var (instance, _) = await RegisterAsync(directory);
        var waiting = directory.NextMessageAsync(instance, null, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(10));
        deadlines.ExpireDue();

        Assert.Equal(PollOutcome.TimedOut, (await waiting)!.Value.Outcome);
        Assert.Null(instance.Poll);
    }

    [Fact]
    public async Task A_full_queue_drops_its_oldest_message_and_counts_it()
    {
        var directory = NewDirectory(settings: new RelayOptions { MaxQueuedMessages = 3 });
        var (instance, registration) = await RegisterAsync(directory);

        for (var n = 1; n <= 5; n++)
        {
            await directory.EnqueueAsync(registration.Token, null, Json($$$"""{"n":{{{n}}}}"""));
        }

        Assert.Equal([3L, 4L, 5L], instance.Queue.Select(message => message.Id));
        Assert.Equal([3L, 4L, 5L], store.MessageIds(instance.Id));
        Assert.Equal(2, dropped.QueueFull);
    }

    [Fact]
    public async Task A_message_past_its_lifetime_is_dropped_by_the_next_poll_and_counted()
    {
        var directory = NewDirectory(settings: new RelayOptions { MessageLifetime = TimeSpan.FromHours(1), PollTimeout = TimeSpan.FromSeconds(10) });
        var (instance, registration) = await RegisterAsync(directory);
        await directory.EnqueueAsync(registration.Token, null, Json("""{"n":1}"""));
        clock.Advance(TimeSpan.FromMinutes(61));
        await directory.EnqueueAsync(registration.Token, null, Json("""{"n":2}"""));

        var answer = await directory.NextMessageAsync(instance, null, CancellationToken.None);

        Assert.Equal(2L, answer!.Value.Message!.Id);
        Assert.Equal([2L], store.MessageIds(instance.Id));
        Assert.Equal(1, dropped.Expired);
    }

    [Fact]
    public async Task The_sweep_drops_expired_messages_of_devices_that_never_poll()
    {
        var directory = NewDirectory(settings: new RelayOptions { MessageLifetime = TimeSpan.FromHours(1) });
        var (instance, registration) = await RegisterAsync(directory);
        await directory.EnqueueAsync(registration.Token, null, Json("{}"));
        clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal((0, 1), await directory.SweepExpiredAsync());
        Assert.Empty(instance.Queue);
        Assert.Empty(store.MessageIds(instance.Id));
    }

    [Fact]
    public async Task A_user_at_the_instance_cap_cannot_register_another_instance_until_one_goes()
    {
        var directory = NewDirectory(settings: new RelayOptions { MaxInstancesPerUser = 2 });
        var (first, _) = await RegisterAsync(directory);
        await RegisterAsync(directory);

        var (refused, _) = await directory.RegisterAsync(Signer.Issue(SignedPurpose.Instance, "alice"), "alice", "app");
        var (otherUser, _) = await directory.RegisterAsync(Signer.Issue(SignedPurpose.Instance, "bob"), "bob", "app");
        await directory.RemoveInstanceAsync(first);
        var (afterRemoval, _) = await directory.RegisterAsync(Signer.Issue(SignedPurpose.Instance, "alice"), "alice", "app");

        Assert.Equal(RegisterOutcome.TooManyInstances, refused);
        Assert.Equal(RegisterOutcome.Registered, otherUser);
        Assert.Equal(RegisterOutcome.Registered, afterRemoval);
    }
}

using PushFunctions.Core.Registrations;
using PushFunctions.Import.Importing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.RhoConnect;

namespace PushFunctions.IntegrationTests.Import;

/// <summary>The import from a RhoConnect 7 server (its stand-in) into a gateway's tables on Azurite.</summary>
public sealed class RhoConnectImportTests : IAsyncLifetime
{
    private const string UnknownAtSource = "unknown at the source (it answered 500)";

    private RhoConnectStandIn _rhoconnect = null!;
    private GatewayHost _gateway = null!;
    private ImportTarget _target = null!;

    public async Task InitializeAsync()
    {
        _rhoconnect = await RhoConnectStandIn.StartAsync();
        _gateway = await GatewayHost.StartAsync();
        _target = new ImportTarget(_gateway);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _rhoconnect.DisposeAsync();
    }

    [Fact]
    public async Task Users_clients_and_device_fields_arrive_with_the_same_ids_and_values()
    {
        _rhoconnect.AddUser("alice");
        var iphone = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-alice"), ("phone_id", "phone-1"), ("device_app_id", "com.example.app"), ("device_app_version", "1.0")));
        var android = _rhoconnect.AddClient("alice", Fields(("device_type", "ANDROID"), ("device_push_type", "fcm"), ("device_pin", "fcm-alice"), ("device_app_id", "com.example.app")));
        _rhoconnect.AddUser("bob");
        var enterprise = _rhoconnect.AddClient("bob", Fields(("device_type", "ANDROID"), ("device_push_type", "rhoconnect_push"), ("device_pin", "rps-bob"), ("device_port", "100")));
        var unregistered = _rhoconnect.AddClient("bob", Fields(("device_type", ""), ("device_push_type", ""), ("device_pin", ""), ("device_port", ""), ("phone_id", ""), ("device_app_id", ""), ("device_app_version", "")));
        _rhoconnect.AddUser("carol");
        _rhoconnect.AddUser("dave/ops team");
        var windows = _rhoconnect.AddClient("dave/ops team", Fields(("device_type", "WINDOWS"), ("device_pin", "https://wns.example/channel?id=1")));

        var summary = await (await ImporterAsync()).RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Completed, null), (summary.State, summary.Failure));
        Assert.Equal((4, 4, 4, 5, 5, 0), (summary.Users, summary.UsersDone, summary.UsersCreated, summary.Clients, summary.ClientsCreated, summary.Errors));
        foreach (var login in (string[])["alice", "bob", "carol", "dave/ops team"])
        {
            var user = await _target.Users.GetAsync(login);
            Assert.NotNull(user);
            // RhoConnect's API does not give passwords out.
            Assert.Null(user.PasswordHash);
        }

        Assert.Equal(new ClientRegistration("alice", iphone, "APPLE", null, "apns-alice", null, "phone-1", "com.example.app", "1.0"), await _target.ClientAsync(iphone));
        Assert.Equal(new ClientRegistration("alice", android, "ANDROID", "fcm", "fcm-alice", null, null, "com.example.app", null), await _target.ClientAsync(android));
        Assert.Equal(new ClientRegistration("bob", enterprise, "ANDROID", "rhoconnect_push", "rps-bob", "100"), await _target.ClientAsync(enterprise));
        Assert.Equal(new ClientRegistration("bob", unregistered, "", "", "", "", "", "", ""), await _target.ClientAsync(unregistered));
        Assert.Equal(new ClientRegistration("dave/ops team", windows, "WINDOWS", null, "https://wns.example/channel?id=1"), await _target.ClientAsync(windows));
        Assert.Equal(new Dictionary<string, int> { ["apple"] = 1, ["fcm"] = 1, ["rhoconnect_push"] = 1, ["wns"] = 1 }, summary.Devices);
        Assert.Equal(new Dictionary<string, int> { ["not registered"] = 1 }, summary.DevicesSkipped);
    }

    [Fact]
    public async Task A_second_run_over_an_unchanged_source_writes_nothing()
    {
        AddUsers(count: 5, clientsEach: 2);
        var importer = await ImporterAsync();
        var first = await importer.RunAsync(new ImportOptions());
        var rows = await _target.RowVersionsAsync();

        var second = await importer.RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Completed, 15), (first.State, first.Written));
        Assert.Equal(ImportState.Completed, second.State);
        Assert.Equal((0, 10), (second.Written, second.ClientsUnchanged));
        Assert.Equal(25, rows.Count);
        Assert.Equal(rows, await _target.RowVersionsAsync());
    }

    [Fact]
    public async Task A_changed_registration_is_updated_and_a_device_unregistered_at_the_source_is_unregistered_here()
    {
        _rhoconnect.AddUser("alice");
        var iphone = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-old")));
        var android = _rhoconnect.AddClient("alice", Fields(("device_type", "ANDROID"), ("device_pin", "fcm-alice")));
        var importer = await ImporterAsync();
        await importer.RunAsync(new ImportOptions());

        _rhoconnect.Register(iphone, Fields(("device_pin", "apns-new")));
        _rhoconnect.Register(android, Fields(("device_type", ""), ("device_pin", "")));
        var summary = await importer.RunAsync(new ImportOptions());

        Assert.Equal((2, 0), (summary.ClientsUpdated, summary.ClientsCreated));
        Assert.Equal("apns-new", (await _target.ClientAsync(iphone))!.DevicePin);
        Assert.Equal(("", ""), ((await _target.ClientAsync(android))!.DeviceType, (await _target.ClientAsync(android))!.DevicePin));
        Assert.Equal(new Dictionary<string, int> { ["apple"] = 1 }, summary.Devices);
        Assert.Equal(new Dictionary<string, int> { ["not registered"] = 1 }, summary.DevicesSkipped);
    }

    [Fact]
    public async Task A_handle_marked_invalid_stays_marked_until_the_source_registers_the_device_again()
    {
        _rhoconnect.AddUser("alice");
        var iphone = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-gone")));
        var importer = await ImporterAsync();
        await importer.RunAsync(new ImportOptions());
        await _target.Registrations.MarkInvalidAsync((await _target.Registrations.GetAsync(iphone))!, "handle gone");

        var unchanged = await importer.RunAsync(new ImportOptions());
        var marked = await _target.ClientAsync(iphone);
        _rhoconnect.Register(iphone, Fields(("device_pin", "apns-fresh")));
        var registeredAgain = await importer.RunAsync(new ImportOptions());

        Assert.Equal((0, 1), (unchanged.Written, unchanged.ClientsUnchanged));
        Assert.Equal("handle gone", marked!.InvalidReason);
        Assert.Equal(new Dictionary<string, int> { ["registration invalid"] = 1 }, unchanged.DevicesSkipped);
        Assert.Equal(1, registeredAgain.ClientsUpdated);
        Assert.Null((await _target.ClientAsync(iphone))!.InvalidReason);
    }

    [Fact]
    public async Task An_interrupted_run_continues_after_the_last_user_it_finished()
    {
        var users = AddUsers(count: 60, clientsEach: 1);
        var importer = await ImporterAsync();
        using var interrupt = new CancellationTokenSource();
        var first = await importer.RunAsync(
            new ImportOptions { MaxConcurrency = 2 },
            new Reporter(progress => { if (progress.UsersDone >= 30) interrupt.Cancel(); }),
            interrupt.Token);
        var checkpoint = await (await _target.StateAsync()).ReadCheckpointAsync();
        var requestsBefore = _rhoconnect.Requests.Count;

        var second = await importer.RunAsync(new ImportOptions { MaxConcurrency = 2 });

        Assert.Equal(ImportState.Interrupted, first.State);
        // Users finish out of order, many at a time: the checkpoint names the last user up to which every one is done. If
        // the very first user was still running when the run stopped (its requests wait their turn behind other users'),
        // there is none, and the next run starts from the first user.
        var done = checkpoint is null ? 0 : users.IndexOf(checkpoint.LastUserDone) + 1;
        Assert.InRange(done, 0, 59);
        Assert.Equal(done, checkpoint?.Progress.UsersDone ?? 0);
        // The second run lists the clients of the users after the checkpoint only.
        var listedAgain = _rhoconnect.Requests.Skip(requestsBefore).Where(path => path.EndsWith("/clients", StringComparison.Ordinal)).ToList();
        Assert.Equal(users.Skip(done).Select(user => $"/rc/v1/users/{user}/clients").Order(StringComparer.Ordinal), listedAgain.Order(StringComparer.Ordinal));
        Assert.Equal((ImportState.Completed, checkpoint is not null, 60, 60), (second.State, second.Resumed, second.UsersDone, second.Clients));
        // Users the first run finished out of order were written then and are found unchanged now.
        Assert.Equal((0, 0), (first.Errors, second.Errors));
        Assert.Equal(60, second.ClientsCreated + second.ClientsUnchanged);
        Assert.Null(await (await _target.StateAsync()).ReadCheckpointAsync());
        foreach (var user in users)
        {
            Assert.Single((await _target.Registrations.GetUserDevicesAsync(user)).Clients);
        }
    }

    [Fact]
    public async Task Requests_to_RhoConnect_stay_within_the_configured_concurrency()
    {
        AddUsers(count: 40, clientsEach: 1);
        // Slow answers, so that requests sent at once are answered at once.
        _rhoconnect.AnswerDelay = TimeSpan.FromMilliseconds(30);

        var summary = await (await ImporterAsync()).RunAsync(new ImportOptions { MaxConcurrency = 3 });

        Assert.Equal((ImportState.Completed, 40, 40), (summary.State, summary.UsersDone, summary.ClientsCreated));
        // More users than that are in flight at once (storage work overlaps requests), yet never more requests.
        Assert.InRange(_rhoconnect.MostRequestsInFlight, 2, 3);
    }

    [Fact]
    public async Task A_client_RhoConnect_lists_but_does_not_have_is_skipped_and_reported_and_the_others_are_imported()
    {
        _rhoconnect.AddUser("alice");
        var kept = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-alice")));
        const string lost = "0123456789abcdef0123456789abcdef";
        _rhoconnect.ListClientWithoutRecord("alice", lost);
        _rhoconnect.AddUser("bob");
        var other = _rhoconnect.AddClient("bob", Fields(("device_type", "ANDROID"), ("device_pin", "fcm-bob")));

        var summary = await (await ImporterAsync()).RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Completed, 3, 2, 0), (summary.State, summary.Clients, summary.ClientsCreated, summary.Errors));
        Assert.Equal(new Dictionary<string, int> { [UnknownAtSource] = 1 }, summary.Skipped);
        Assert.Equal(new ImportIssue("alice", lost, UnknownAtSource), Assert.Single(summary.SkippedItems));
        Assert.NotNull(await _target.ClientAsync(kept));
        Assert.NotNull(await _target.ClientAsync(other));
        Assert.Null(await _target.ClientAsync(lost));
    }

    [Fact]
    public async Task Ids_the_gateway_cannot_hold_and_a_client_listed_under_the_wrong_user_are_skipped_with_their_reasons()
    {
        var longLogin = new string('u', 300);
        _rhoconnect.AddUser(longLogin);
        _rhoconnect.AddUser("alice");
        _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-legacy")), clientId: "legacy-client-1");
        _rhoconnect.AddUser("bob");
        var bobs = _rhoconnect.AddClient("bob", Fields(("device_type", "APPLE"), ("device_pin", "apns-bob")));
        _rhoconnect.ListClientWithoutRecord("alice", bobs);

        var summary = await (await ImporterAsync()).RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Completed, null), (summary.State, summary.Failure));
        Assert.Equal(
            new Dictionary<string, int>
            {
                [SkipReasons.UserIdTooLong] = 1,
                [SkipReasons.ClientIdNotAccepted] = 1,
                [SkipReasons.OwnedByAnotherUser] = 1,
            },
            summary.Skipped);
        Assert.Contains(new ImportIssue("alice", bobs, SkipReasons.OwnedByAnotherUser), summary.SkippedItems);
        Assert.Equal("bob", (await _target.ClientAsync(bobs))!.UserId);
        Assert.Equal(1, summary.ClientsCreated);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData(RhoConnectStandIn.NonAdminApiToken)]
    public async Task A_token_RhoConnect_refuses_fails_the_run_before_anything_is_written(string token)
    {
        AddUsers(count: 2, clientsEach: 1);

        var summary = await (await ImporterAsync(token)).RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Failed, "the source refused the API token (422)"), (summary.State, summary.Failure));
        Assert.Empty(await _target.RowVersionsAsync());
        Assert.Equal(ImportState.Failed, (await (await _target.StateAsync()).ReadLastRunAsync())!.State);
    }

    [Fact]
    public async Task Clients_RhoConnect_no_longer_has_are_kept_and_counted_unless_the_run_prunes()
    {
        _rhoconnect.AddUser("alice");
        var stays = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-1")));
        var goes = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-2")));
        var importer = await ImporterAsync();
        await importer.RunAsync(new ImportOptions());
        // A user and a device the gateway has and RhoConnect never had.
        await _gateway.CreateUserAsync("zed");
        var gatewayOnly = await _gateway.RegisterDeviceAsync("zed", Fields(("device_type", "APPLE"), ("device_pin", "apns-zed")));
        _rhoconnect.DeleteClient("alice", goes);

        var kept = await importer.RunAsync(new ImportOptions());
        var stillThere = await _target.ClientAsync(goes);
        var pruned = await importer.RunAsync(new ImportOptions { Prune = true });

        Assert.Equal((2, 1, 0), (kept.ClientsNotAtSource, kept.UsersNotAtSource, kept.ClientsPruned));
        Assert.NotNull(stillThere);
        Assert.Equal((2, 1, 0), (pruned.ClientsPruned, pruned.UsersNotAtSource, pruned.ClientsNotAtSource));
        Assert.Null(await _target.ClientAsync(goes));
        Assert.Null(await _target.ClientAsync(gatewayOnly));
        Assert.NotNull(await _target.ClientAsync(stays));
        // Users stay (a user without clients reaches nobody); only clients are pruned.
        Assert.NotNull(await _target.Users.GetAsync("zed"));
    }

    [Fact]
    public async Task A_client_moved_to_another_user_at_the_source_moves_here_too()
    {
        _rhoconnect.AddUser("alice");
        _rhoconnect.AddUser("bob");
        var shared = _rhoconnect.AddClient("alice", Fields(("device_type", "APPLE"), ("device_pin", "apns-shared")));
        var importer = await ImporterAsync();
        await importer.RunAsync(new ImportOptions());

        // RhoConnect's register with another user's session moves the client: out of one list, into the other, user_id too.
        _rhoconnect.DeleteClient("alice", shared);
        _rhoconnect.AddClient("bob", Fields(("device_type", "APPLE"), ("device_pin", "apns-shared")), clientId: shared);
        var summary = await importer.RunAsync(new ImportOptions { Prune = true });

        Assert.Equal((1, 0, 0), (summary.ClientsMoved, summary.ClientsCreated, summary.ClientsPruned));
        Assert.Equal("bob", (await _target.ClientAsync(shared))!.UserId);
        Assert.Empty((await _target.Registrations.GetUserDevicesAsync("alice")).Clients);
        Assert.Single((await _target.Registrations.GetUserDevicesAsync("bob")).Clients);
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_change_and_writes_nothing_at_all()
    {
        AddUsers(count: 3, clientsEach: 2);

        var summary = await (await ImporterAsync()).RunAsync(new ImportOptions { DryRun = true, Prune = true });

        Assert.Equal((ImportState.Completed, true, 3, 6), (summary.State, summary.DryRun, summary.UsersCreated, summary.ClientsCreated));
        Assert.Empty(await _target.RowVersionsAsync());
        var state = await _target.StateAsync();
        Assert.Null(await state.ReadLastRunAsync());
        Assert.Null(await state.ReadCheckpointAsync());
    }

    [Fact]
    public async Task A_run_takes_over_a_lease_its_holder_stopped_renewing_but_does_not_start_while_a_live_one_holds_it()
    {
        AddUsers(count: 2, clientsEach: 1);
        var state = await _target.StateAsync();
        var importer = await ImporterAsync();

        Assert.True((await state.TryTakeLeaseAsync("crashed-instance", DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromMinutes(1))).Taken);
        var afterCrash = await importer.RunAsync(new ImportOptions());
        Assert.True((await state.TryTakeLeaseAsync("live-instance", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))).Taken);
        var rows = await _target.RowVersionsAsync();
        _rhoconnect.AddUser("late");
        var whileHeld = await importer.RunAsync(new ImportOptions());

        Assert.Equal(ImportState.Completed, afterCrash.State);
        Assert.Equal((ImportState.NotStarted, "another import is running"), (whileHeld.State, whileHeld.Failure));
        Assert.Equal(rows, await _target.RowVersionsAsync());
    }

    [Fact]
    public async Task Of_instances_racing_for_a_free_lease_exactly_one_takes_it()
    {
        var state = await _target.StateAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => state.TryTakeLeaseAsync($"instance-{i}", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))));

        var winner = Assert.Single(attempts, attempt => attempt.Taken);
        Assert.All(attempts.Where(attempt => !attempt.Taken), attempt => Assert.Equal(winner.Lease.Holder, attempt.Lease.Holder));
    }

    private Task<RegistrationImporter> ImporterAsync(string token = RhoConnectStandIn.ApiToken) => _target.ImporterAsync(_rhoconnect.BaseAddress, token);

    /// <summary>Users "user00", "user01", ... each with Apple clients; returns the logins in order.</summary>
    private List<string> AddUsers(int count, int clientsEach)
    {
        var logins = Enumerable.Range(0, count).Select(i => $"user{i:D2}").ToList();
        foreach (var login in logins)
        {
            _rhoconnect.AddUser(login);
            for (var c = 0; c < clientsEach; c++)
            {
                _rhoconnect.AddClient(login, Fields(("device_type", "APPLE"), ("device_pin", $"apns-{login}-{c}")));
            }
        }

        return logins;
    }

    private static Dictionary<string, string> Fields(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    /// <summary>Reports synchronously, on the thread that finished the user.</summary>
    private sealed class Reporter(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

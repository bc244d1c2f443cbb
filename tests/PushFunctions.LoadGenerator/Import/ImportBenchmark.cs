using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using PushFunctions.Core.Registrations;
using PushFunctions.Testing.RhoConnect;

namespace PushFunctions.LoadGenerator.Import;

/// <summary>
/// <c>import</c> mode (scripts/bench.sh import): the import command, run as an operator runs it (its own process, its
/// default concurrency), copies 10,000 users × 3 clients from the RhoConnect stand-in on loopback into fresh tables on
/// Azurite; then runs again over the unchanged source. Timed from process start to exit, peak memory sampled from
/// /proc. Baseline in the same run, first: Azurite's own insert rate for the same rows (the user rows, the client rows,
/// the client index rows), inserted directly with as many calls in flight as the import keeps toward storage, into
/// tables deleted again before the import, so both start from an empty Azurite. Beside the wall-clock times, the CPU
/// time Azurite spent in each phase: on a machine shared with other work, the storage work each phase caused.
/// </summary>
public static class ImportBenchmark
{
    public const string Usage = "  import        --connection CS --command PATH_TO_PushFunctions.Import.Cli.dll --azurite-pid PID [--users 10000] [--clients 3]";

    /// <summary>Users in flight in the import at its default concurrency, so as many storage calls in flight.</summary>
    private const int StorageCallsInFlight = PushFunctions.Import.Importing.RegistrationImporter.MinUsersInFlight;

    private static readonly string[][] Devices =
    [
        ["device_type", "APPLE", "device_app_id", "com.example.app", "device_app_version", "7.1"],
        ["device_type", "ANDROID", "device_push_type", "fcm", "device_app_id", "com.example.app"],
        ["device_type", "ANDROID", "device_push_type", "rhoconnect_push", "device_port", "100"],
    ];

    public static async Task<int> RunAsync(string connection, string command, int azuritePid, int users, int clientsEach, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var azurite = Process.GetProcessById(azuritePid);
        await using var rhoconnect = await RhoConnectStandIn.StartAsync();
        var rows = Seed(rhoconnect, users, clientsEach);
        var prefix = "imp" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        Report(output, $"stand-in: {users:N0} users × {clientsEach} clients at {rhoconnect.BaseAddress}");

        var baselineCpu = CpuTime(azurite);
        var baseline = await InsertSameRowsAsync(connection, "imb" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)), rows, cancellationToken);
        baselineCpu = CpuTime(azurite) - baselineCpu;
        Report(output, $"baseline: Azurite inserted the same {rows.Count:N0} rows in {baseline.TotalSeconds:0.0} s ({rows.Count / baseline.TotalSeconds:0} rows/s, {StorageCallsInFlight} in flight), {baselineCpu.TotalSeconds:0} s of its CPU");
        var importCpu = CpuTime(azurite);
        var first = await RunCommandAsync(command, rhoconnect.BaseAddress, connection, prefix, cancellationToken);
        importCpu = CpuTime(azurite) - importCpu;
        var firstRequests = rhoconnect.Requests.Count;
        Report(output, $"import: {first}, {importCpu.TotalSeconds:0} s of Azurite's CPU");
        var secondCpu = CpuTime(azurite);
        var second = await RunCommandAsync(command, rhoconnect.BaseAddress, connection, prefix, cancellationToken);
        secondCpu = CpuTime(azurite) - secondCpu;
        Report(output, $"second run: {second}, {secondCpu.TotalSeconds:0} s of Azurite's CPU");

        // The command counts users and clients it wrote; each client is two rows (its row and its index entry).
        var written = first.Written + first.Clients;
        output.WriteLine();
        output.WriteLine("== import ==");
        output.WriteLine(Invariant($"{"measure",-48} {"value",16}   baseline (same run)"));
        output.WriteLine(Invariant($"{$"import {users:N0} users × {clientsEach} clients",-48} {$"{first.Elapsed.TotalSeconds:0.0} s",16}   Azurite alone inserts the same {rows.Count:N0} rows in {baseline.TotalSeconds:0.0} s ({first.Elapsed / baseline:0.00}×)"));
        output.WriteLine(Invariant($"{"Azurite CPU time during the import",-48} {$"{importCpu.TotalSeconds:0} s",16}   {baselineCpu.TotalSeconds:0} s to insert the same rows alone ({importCpu / baselineCpu:0.00}×)"));
        output.WriteLine(Invariant($"{"rows written / s (users, clients, index)",-48} {written / first.Elapsed.TotalSeconds,16:0}   Azurite inserts {rows.Count / baseline.TotalSeconds:0} rows/s"));
        output.WriteLine(Invariant($"{"requests to the stand-in / s",-48} {firstRequests / first.Elapsed.TotalSeconds,16:0}   {firstRequests:N0} requests (1 + users + clients), command options: {(CommandOptions() is { Length: > 0 } options ? string.Join(' ', options) : "defaults")}"));
        output.WriteLine(Invariant($"{"peak memory of the command (VmHWM)",-48} {$"{first.PeakKiB / 1024.0:0.0} MiB",16}"));
        output.WriteLine(Invariant($"{"second run, nothing to write",-48} {$"{second.Elapsed.TotalSeconds:0.0} s",16}   {second.Written} rows written; peak {second.PeakKiB / 1024.0:0.0} MiB; {secondCpu.TotalSeconds:0} s of Azurite's CPU"));
        return written == rows.Count && second.Written == 0 ? 0 : 3;
    }

    /// <summary>Fills the stand-in; returns the rows the import should write (user, client and index rows), for the baseline.</summary>
    private static List<(bool InIndex, TableEntity Row)> Seed(RhoConnectStandIn rhoconnect, int users, int clientsEach)
    {
        var rows = new List<(bool InIndex, TableEntity Row)>(users * (1 + (2 * clientsEach)));
        for (var u = 0; u < users; u++)
        {
            var login = Invariant($"bench-user-{u:D6}");
            rhoconnect.AddUser(login);
            rows.Add((false, new TableEntity(login, string.Empty)));
            for (var c = 0; c < clientsEach; c++)
            {
                var device = Devices[c % Devices.Length];
                var fields = new Dictionary<string, string>(StringComparer.Ordinal) { [DeviceFields.DevicePin] = Invariant($"handle-{u:D6}-{c}") };
                for (var f = 0; f < device.Length; f += 2)
                {
                    fields[device[f]] = device[f + 1];
                }

                var clientId = rhoconnect.AddClient(login, fields);
                var row = new TableEntity(login, clientId);
                foreach (var field in DeviceFields.All)
                {
                    row[field] = fields.GetValueOrDefault(field);
                }

                rows.Add((false, row));
                rows.Add((true, new TableEntity(clientId, string.Empty) { ["UserId"] = login }));
            }
        }

        return rows;
    }

    private static async Task<CommandRun> RunCommandAsync(string command, Uri source, string connection, string prefix, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[command, "--from", source.AbsoluteUri, "--json", .. CommandOptions()])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["RhoConnect__ImportApiToken"] = RhoConnectStandIn.ApiToken;
        start.Environment["AzureWebJobsStorage"] = connection;
        start.Environment["Storage__TablePrefix"] = prefix;
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        long peakKiB = 0;
        while (!process.HasExited)
        {
            // VmHWM only grows: the last reading before the exit is the peak, give or take the last 50 ms.
            peakKiB = Math.Max(peakKiB, ProcessMemory.Read(process.Id)?.PeakResidentKiB ?? 0);
            await Task.Delay(50, cancellationToken);
        }

        await process.WaitForExitAsync(cancellationToken);
        var elapsed = stopwatch.Elapsed;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The import command exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        using var summary = JsonDocument.Parse(await stdout);
        return new CommandRun(elapsed, peakKiB, summary.RootElement.GetProperty("written").GetInt32(), summary.RootElement.GetProperty("clients").GetInt32());
    }

    private static async Task<TimeSpan> InsertSameRowsAsync(string connection, string prefix, List<(bool InIndex, TableEntity Row)> rows, CancellationToken cancellationToken)
    {
        var users = new TableClient(connection, prefix + "Users");
        var index = new TableClient(connection, prefix + "ClientIndex");
        await users.CreateIfNotExistsAsync(cancellationToken);
        await index.CreateIfNotExistsAsync(cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            rows,
            new ParallelOptions { MaxDegreeOfParallelism = StorageCallsInFlight, CancellationToken = cancellationToken },
            async (row, ct) => await (row.InIndex ? index : users).AddEntityAsync(row.Row, ct));
        var elapsed = stopwatch.Elapsed;
        // The import then starts from an Azurite as empty as this did.
        await users.DeleteAsync(cancellationToken);
        await index.DeleteAsync(cancellationToken);
        return elapsed;
    }

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>Options of the command beyond the defaults, from BENCH_IMPORT_ARGS (e.g. "--concurrency 8").</summary>
    private static string[] CommandOptions() => Environment.GetEnvironmentVariable("BENCH_IMPORT_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Report(TextWriter output, FormattableString line) => output.WriteLine(Invariant(line));

    private sealed record CommandRun(TimeSpan Elapsed, long PeakKiB, int Written, int Clients)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds:0.0} s, {Written:N0} rows written, {Clients:N0} clients, peak {PeakKiB / 1024.0:0.0} MiB");
    }
}

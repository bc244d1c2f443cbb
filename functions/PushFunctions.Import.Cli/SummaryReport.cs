using System.Globalization;
using PushFunctions.Import.Importing;

namespace PushFunctions.Import.Cli;

/// <summary>The summary as an operator reads it after a run: one line per kind of thing, then what was skipped and failed.</summary>
internal static class SummaryReport
{
    public static void Write(TextWriter writer, ImportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(summary);
        writer.WriteLine(Headline(summary));
        if (summary.State == ImportState.NotStarted)
        {
            return;
        }

        var would = summary.DryRun ? "would be " : string.Empty;
        writer.WriteLine(Line("users", $"{summary.Users:N0} at the source, {summary.UsersDone:N0} done; {would}created {summary.UsersCreated:N0}; {summary.UsersNotAtSource:N0} only here"));
        var notAtSource = summary.Prune
            ? Invariant($"{would}pruned {summary.ClientsPruned:N0}")
            : Invariant($"{summary.ClientsNotAtSource:N0} only here (kept; --prune removes them)");
        writer.WriteLine(Line("clients", $"{summary.Clients:N0} at the source; {would}created {summary.ClientsCreated:N0}, updated {summary.ClientsUpdated:N0}, moved {summary.ClientsMoved:N0}; unchanged {summary.ClientsUnchanged:N0}; {notAtSource}"));
        writer.WriteLine(Line("devices", $"{Counts(summary.Devices)}; a ping would skip {Counts(summary.DevicesSkipped)}"));
        writer.WriteLine(Line("skipped", $"{Total(summary.Skipped):N0}"));
        foreach (var (reason, count) in summary.Skipped.OrderByDescending(r => r.Value))
        {
            writer.WriteLine(Invariant($"           {count:N0} {reason}"));
        }

        WriteItems(writer, summary.SkippedItems, Total(summary.Skipped));
        writer.WriteLine(Line("errors", $"{summary.Errors:N0}"));
        WriteItems(writer, summary.ErrorItems, summary.Errors);
        if (summary.UsersCreated > 0)
        {
            writer.WriteLine(Line("note", $"{summary.UsersCreated:N0} users {would}created without a password: RhoConnect's API does not give passwords out. Pings reach their devices; a device login at the gateway (POST /rc/v1/app/login) needs a password set first (POST /rc/v1/users)."));
        }
    }

    private static string Headline(ImportSummary summary)
    {
        var took = summary.FinishedAt - summary.StartedAt;
        var resumed = summary.Resumed ? ", continuing an interrupted run" : string.Empty;
        var dryRun = summary.DryRun ? " (dry run: nothing was written)" : string.Empty;
        return summary.State switch
        {
            ImportState.Completed => Invariant($"Import from {summary.Source} completed in {took:hh\\:mm\\:ss}{resumed}{dryRun}"),
            ImportState.Interrupted => Invariant($"Import from {summary.Source} interrupted after {took:hh\\:mm\\:ss}{resumed}; run the same command again to continue where it stopped"),
            ImportState.NotStarted => Invariant($"Import from {summary.Source} did not start: {summary.Failure}"),
            _ => Invariant($"Import from {summary.Source} failed after {took:hh\\:mm\\:ss}{resumed}: {summary.Failure}"),
        };
    }

    private static void WriteItems(TextWriter writer, IReadOnlyList<ImportIssue> items, int total)
    {
        foreach (var item in items)
        {
            var client = item.ClientId is null ? string.Empty : $", client {item.ClientId}";
            writer.WriteLine("           user " + item.UserId + client + ": " + item.Reason);
        }

        if (total > items.Count)
        {
            writer.WriteLine(Invariant($"           ... and {total - items.Count:N0} more"));
        }
    }

    private static string Counts(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => Invariant($"{c.Key} {c.Value:N0}")));

    private static int Total(IReadOnlyDictionary<string, int> counts) => counts.Values.Sum();

    private static string Line(string label, FormattableString text) => label.PadRight(10) + " " + Invariant(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

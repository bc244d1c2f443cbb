using System.Globalization;
using PushFunctions.Import.Importing;
using Spectre.Console;

namespace PushFunctions.Import.Cli;

/// <summary>A progress bar on a terminal; elsewhere (a pipe, a log file, CI) a plain line every few seconds.</summary>
internal static class ProgressDisplay
{
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    public static Task<ImportSummary> RunAsync(IAnsiConsole console, TimeProvider time, Func<IProgress<ImportProgress>, Task<ImportSummary>> run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        if (!console.Profile.Capabilities.Interactive)
        {
            return run(new LineProgress(console.Profile.Out.Writer, time));
        }

        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("listing users", maxValue: 1);
                task.IsIndeterminate = true;
                var summary = await run(new BarProgress(task));
                task.StopTask();
                return summary;
            });
    }

    private static string Describe(ImportProgress progress) =>
        string.Create(CultureInfo.InvariantCulture, $"{progress.UsersDone:N0}/{progress.Users:N0} users, {progress.Clients:N0} clients");

    private sealed class BarProgress(ProgressTask task) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(value.Users, 1);
            task.Value = value.UsersDone;
            task.Description = Markup.Escape(Describe(value));
        }
    }

    private sealed class LineProgress(TextWriter writer, TimeProvider time) : IProgress<ImportProgress>
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _last = time.GetUtcNow();

        public void Report(ImportProgress value)
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (now - _last >= LineInterval)
                {
                    _last = now;
                    writer.WriteLine("progress: " + Describe(value));
                }
            }
        }
    }
}

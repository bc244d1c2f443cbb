using System.Collections.Concurrent;

namespace PushFunctions.LoadGenerator;

/// <summary>Collects latencies and reports percentiles (nearest rank).</summary>
public sealed class LatencyRecorder
{
    private readonly ConcurrentBag<double> milliseconds = [];

    public int Count => milliseconds.Count;

    public double Max => milliseconds.IsEmpty ? double.NaN : milliseconds.Max();

    public void Record(TimeSpan latency) => milliseconds.Add(latency.TotalMilliseconds);

    public double Percentile(double percent)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

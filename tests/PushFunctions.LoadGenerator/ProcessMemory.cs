using System.Globalization;

namespace PushFunctions.LoadGenerator;

/// <summary>Resident memory of a process, from <c>/proc/{pid}/status</c>.</summary>
public sealed record ProcessMemory(long ResidentKiB, long PeakResidentKiB)
{
    public static ProcessMemory? Read(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return null;
        }

        long Field(string name) => File.ReadLines(path)
            .Where(line => line.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(line => long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .FirstOrDefault();

        return new ProcessMemory(Field("VmRSS"), Field("VmHWM"));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"VmRSS {ResidentKiB / 1024.0:0.0} MiB, VmHWM {PeakResidentKiB / 1024.0:0.0} MiB");
}

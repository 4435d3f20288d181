namespace GfpAnalyzers.Benchmarks;

/// <summary>Medians and the machine's load, printed next to every figure (the machine is shared).</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The 1/5/15-minute load averages from /proc/loadavg ("n/a" elsewhere).</summary>
    public static string Load()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load {fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "load n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "load n/a";
        }
    }
}

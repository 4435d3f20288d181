namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `breakdown`'s figures: per configuration its whole analysis (medians) and what it costs beyond the floor (the
/// median over runs of its difference to the floor of the same run, with the smallest and largest difference; and
/// for CPU also its fastest run less the floor's fastest); the ratios the issue's targets are stated in; each
/// analyzer's own time.
/// </summary>
internal static class BreakdownReport
{
    private const double Megabyte = 1 << 20;

    /// <summary>What is compared: wall and process CPU time in ms, allocated bytes in MB.</summary>
    private static readonly (string Name, Func<AnalyzerRun, double> Of)[] Measures =
    [
        ("wall ms", run => run.Wall.TotalMilliseconds),
        ("CPU ms", run => run.Cpu.TotalMilliseconds),
        ("alloc MB", run => run.AllocatedBytes / Megabyte),
    ];

    /// <summary>
    /// The column of the CPU beyond the floor from the fastest runs. On a shared machine other work only ever adds CPU
    /// time to a run (caches and cores it shares), so each configuration's fastest run is its least disturbed; over
    /// four runs of one build at load 6–25, ours / CA2000 from the fastest runs spread 0.86–1.02, from the medians 0.78–1.72.
    /// </summary>
    private const string FastestCpu = "CPU fastest";

    /// <summary><paramref name="results"/>: every configuration, the floor first, each with the same number of runs.</summary>
    public static void Print(IReadOnlyList<(BreakdownConfiguration Configuration, IReadOnlyList<AnalyzerRun> Runs)> results, int lines)
    {
        var floor = results[0].Runs;
        Console.WriteLine($"  {"",-10}{"whole analysis (medians)",-30} | beyond the floor (median of the runs' differences to the floor of the same run; min..max), and fastest run less the floor's");
        Console.WriteLine($"  {"",-10}" + string.Concat(Measures.Select(m => $"{m.Name,10}")) + " | " + string.Concat(Measures.Select(m => $"{m.Name,24}")) + $"{FastestCpu,14}");
        var beyond = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (configuration, runs) in results)
        {
            var whole = string.Concat(Measures.Select(m => $"{Stats.Median(runs.Select(m.Of)),10:F0}"));
            if (ReferenceEquals(runs, floor))
            {
                Console.WriteLine($"  {configuration.Name,-10}{whole} |");
                continue;
            }

            var differences = Measures.Select(m => runs.Select((run, i) => m.Of(run) - m.Of(floor[i])).ToList()).ToList();
            var fastest = runs.Min(r => r.Cpu.TotalMilliseconds) - floor.Min(r => r.Cpu.TotalMilliseconds);
            beyond[configuration.Name] = [.. differences.Select(Stats.Median), fastest];
            Console.WriteLine($"  {configuration.Name,-10}{whole} | " + string.Concat(differences.Select(d => $"{$"{Stats.Median(d):F0} ({d.Min():F0}..{d.Max():F0})",24}")) + $"{fastest,14:F0}");
        }

        PrintRatios(beyond);
        foreach (var (configuration, runs) in results.Where(r => !r.Configuration.IsMeasuringDevice))
        {
            PrintTelemetry(configuration.Name, runs, lines);
        }
    }

    /// <summary>The issue's targets are ratios of costs: ours to CA2000's, after to before; and how much of ours is binding.</summary>
    private static void PrintRatios(Dictionary<string, double[]> beyond)
    {
        Console.WriteLine($"  {"ratios of costs beyond the floor",-63}" + string.Concat(Measures.Select(m => $"{m.Name,10}")) + $"{FastestCpu,14}");
        var ours = beyond[BreakdownConfiguration.Ours];
        PrintRatio("ours / CA2000", ours, beyond[BreakdownConfiguration.Ca2000]);
        PrintRatio("binding every body (baseline) / ours", beyond[BreakdownConfiguration.Baseline], ours);
        if (beyond.TryGetValue(BreakdownConfiguration.Before, out var before))
        {
            PrintRatio("ours / before (after / before)", ours, before);
            PrintRatio("binding every body (baseline) / before", beyond[BreakdownConfiguration.Baseline], before);
        }

        var binding = beyond[BreakdownConfiguration.Baseline];
        Console.WriteLine($"  ours beyond the baseline (its own work, when it binds every body as the baseline does): "
            + string.Join(", ", Measures.Select((m, i) => $"{m.Name}: {ours[i] - binding[i]:F0}").Append($"{FastestCpu} ms: {ours[^1] - binding[^1]:F0}")));
    }

    private static void PrintRatio(string name, double[] numerator, double[] denominator)
        => Console.WriteLine($"    {name,-61}" + string.Concat(numerator.Select((n, i) => (denominator[i] > 0 ? $"{n / denominator[i]:F2}" : "n/a").PadLeft(i < Measures.Length ? 10 : 14))));

    /// <summary>Each analyzer's own time (Roslyn's telemetry: wall clock around its callbacks), median over the runs.</summary>
    private static void PrintTelemetry(string name, IReadOnlyList<AnalyzerRun> runs, int lines)
    {
        Console.WriteLine($"  {name}: each analyzer's own time (telemetry, median over runs)");
        var sum = 0.0;
        foreach (var analyzer in runs[0].PerAnalyzer.Select(p => p.Analyzer))
        {
            var median = Stats.Median(runs.Select(r => r.PerAnalyzer.First(p => p.Analyzer == analyzer).Time.TotalMilliseconds));
            sum += median;
            Console.WriteLine($"    {analyzer,-48} {median,8:F0} ms  {median / (lines / 1000.0),6:F2} ms/kloc");
        }

        Console.WriteLine($"    {"sum",-48} {sum,8:F0} ms  {sum / (lines / 1000.0),6:F2} ms/kloc");
    }
}

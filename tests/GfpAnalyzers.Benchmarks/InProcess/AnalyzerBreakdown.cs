using GfpAnalyzers.Benchmarks.Corpus;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `breakdown`: what each configuration (ours, CA2000, an older build of ours) costs beyond the floor of an in-process
/// analysis, and how that splits into the driver binding every body (the baseline) and the analyzers' own work; with
/// each analyzer's own execution time (the compiler's analyzer telemetry, as -p:ReportAnalyzer=true prints it).
/// Every configuration runs once untimed first (the first to run would pay the JIT of the compiler and of the driver);
/// then every run measures every configuration, each run in an order rotated by one, and the report takes medians.
/// </summary>
internal static class AnalyzerBreakdown
{
    public static async Task<int> RunAsync(int lines, int runs, bool dry, string? beforeAnalyzers = null, bool rulesAlone = false)
    {
        var files = CorpusGenerator.Generate(lines);
        var compilation = CorpusCompilation.Create(files);
        var errors = CorpusCompilation.Errors(compilation);
        if (errors.Count > 0)
        {
            foreach (var error in errors.Take(20))
            {
                Console.Error.WriteLine(error);
            }

            Console.Error.WriteLine("The generated corpus does not compile: nothing to measure.");
            return 1;
        }

        var total = files.Sum(f => f.Lines);
        var configurations = BreakdownConfiguration.All(compilation.Options, beforeAnalyzers, rulesAlone);
        Console.WriteLine($"breakdown: {files.Count} files, {total} lines ({files.Where(f => f.IsAllocatorCode).Sum(f => f.Lines)} allocator-style); {configurations.Count} configurations, each once untimed, then {(dry ? "nothing timed (dry run)" : $"{runs} run(s) of all, in an order rotated every run")}; {Stats.Load()}");
        foreach (var configuration in configurations)
        {
            var warmUp = await MeasureAsync(compilation, configuration);
            if (warmUp.Failures.FirstOrDefault() is { } failure)
            {
                Console.Error.WriteLine($"An analyzer failed: {failure}");
                return 1;
            }

            Console.WriteLine($"  {configuration.Name}: diagnostics {warmUp.CountsById(configuration.DiagnosticPrefix)}");
        }

        if (dry)
        {
            return 0;
        }

        var results = configurations.Select(_ => new List<AnalyzerRun>()).ToList();
        for (var run = 0; run < runs; run++)
        {
            var order = Enumerable.Range(0, configurations.Count).Select(i => (run + i) % configurations.Count).ToList();
            foreach (var index in order)
            {
                results[index].Add(await MeasureAsync(compilation, configurations[index]));
            }

            // Each run's own figures, in the order it ran them: how far one run strays from the others.
            Console.WriteLine($"  run {run + 1}: " + string.Join(", ", order.Select(i => $"{configurations[i].Name} {results[i][^1].Cpu.TotalMilliseconds:F0}")) + $" ms CPU; {Stats.Load()}");
        }

        BreakdownReport.Print(configurations.Select((c, i) => (c, (IReadOnlyList<AnalyzerRun>)results[i])).ToList(), total);
        Console.WriteLine($"  ({Stats.Load()})");
        return 0;
    }

    /// <summary>
    /// One analysis of a fresh copy of the compilation (no run reuses another's bound trees or analyzer state), its
    /// compiler diagnostics computed first, as a build has them before its analyzers' results are asked for; and a full
    /// collection before, so no run pays for the garbage of the one before it.
    /// </summary>
    private static async Task<AnalyzerRun> MeasureAsync(Compilation compilation, BreakdownConfiguration configuration)
    {
        var fresh = compilation.WithOptions(configuration.Options).Clone();
        _ = fresh.GetDiagnostics();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return await AnalyzerRun.RunAsync(fresh, configuration.Analyzers);
    }
}

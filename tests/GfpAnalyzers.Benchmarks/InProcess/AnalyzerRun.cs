using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>One analysis of a whole compilation: wall and CPU time, allocated bytes, each analyzer's own time, the diagnostics.</summary>
internal sealed record AnalyzerRun(
    TimeSpan Wall,
    TimeSpan Cpu,
    long AllocatedBytes,
    IReadOnlyList<(string Analyzer, TimeSpan Time)> PerAnalyzer,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>
    /// Runs <paramref name="analyzers"/> over <paramref name="compilation"/> (its compiler diagnostics already computed,
    /// so the wall time is the analyzers' plus the binding they ask for). Sequential, so each analyzer's time is its own.
    /// </summary>
    public static async Task<AnalyzerRun> RunAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = CpuTime.Self();
        var wall = Stopwatch.StartNew();
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        wall.Stop();
        var cpu = CpuTime.Self() - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var perAnalyzer = new List<(string, TimeSpan)>();
        foreach (var analyzer in analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            perAnalyzer.Add((analyzer.GetType().Name, telemetry.ExecutionTime));
        }

        return new AnalyzerRun(wall.Elapsed, cpu, allocated, perAnalyzer, diagnostics);
    }

    /// <summary>Analyzer failures (AD0001) and what they say: the benchmark refuses to time a crashing analyzer.</summary>
    public IEnumerable<Diagnostic> Failures => Diagnostics.Where(d => d.Id == "AD0001");

    /// <summary>"GFP001 3, GFP004 1" in ID order, or "none".</summary>
    public string CountsById(string prefix)
    {
        var counts = Diagnostics.Where(d => d.Id.StartsWith(prefix, StringComparison.Ordinal))
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}")
            .ToList();
        return counts.Count == 0 ? "none" : string.Join(", ", counts);
    }
}

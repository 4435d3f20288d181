using BenchmarkDotNet.Attributes;

namespace GfpAnalyzers.Benchmarks;

/// <summary>
/// What the analyzers add to a build: the compiler's own diagnostics versus the compiler plus every GFP
/// analyzer, on a file of <see cref="Copies"/> copies of the early-PFN tracker corpus.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private AnalyzerWorkload _workload = null!;

    [Params(1, 50)]
    public int Copies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new AnalyzerWorkload(Copies);
        if (_workload.Analyzers.IsEmpty)
        {
            throw new InvalidOperationException("The analyzers assembly has no analyzers yet: nothing to measure.");
        }
    }

    [Benchmark(Baseline = true)]
    public int CompilerOnly() => _workload.Compilation.Clone().GetDiagnostics().Length;

    [Benchmark]
    public int CompilerAndAnalyzers()
        => _workload.WithAnalyzers(logExecutionTime: false)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;
}

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `--telemetry [copies]`: each analyzer's own execution time once on copies of the tracker corpus (quick, no
/// statistics). Kept for a quick look at one realistic file; `breakdown` does the same on the generated corpus.
/// </summary>
internal static class TrackerCorpusTelemetry
{
    public static async Task<int> RunAsync(int copies)
    {
        var workload = new AnalyzerWorkload(copies);
        if (workload.Analyzers.IsEmpty)
        {
            Console.Error.WriteLine("The analyzers assembly has no analyzers yet: nothing to measure.");
            return 1;
        }

        var compilerOnly = System.Diagnostics.Stopwatch.StartNew();
        _ = workload.Compilation.Clone().GetDiagnostics();
        compilerOnly.Stop();
        var compilation = workload.WithAnalyzers(logExecutionTime: true);
        var withAnalyzers = System.Diagnostics.Stopwatch.StartNew();
        var diagnostics = await compilation.GetAnalyzerDiagnosticsAsync();
        withAnalyzers.Stop();
        Console.WriteLine($"{copies} copies of the tracker corpus, {workload.Compilation.SyntaxTrees.Single().GetText().Lines.Count} lines, {diagnostics.Count(d => d.Id.StartsWith("GFP", StringComparison.Ordinal))} GFP diagnostics");
        Console.WriteLine($"  wall time: compiler alone {compilerOnly.ElapsedMilliseconds} ms, compiler + analyzers {withAnalyzers.ElapsedMilliseconds} ms (first run, JIT included)");
        Console.WriteLine("  time inside each analyzer's callbacks (includes building the control-flow graphs it is first to ask for):");
        foreach (var analyzer in workload.Analyzers)
        {
            var telemetry = await compilation.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            Console.WriteLine($"  {analyzer.GetType().Name,-45} {telemetry.ExecutionTime.TotalMilliseconds,8:F1} ms");
        }

        return 0;
    }
}

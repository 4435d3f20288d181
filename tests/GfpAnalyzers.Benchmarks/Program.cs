using BenchmarkDotNet.Running;
using GfpAnalyzers.Benchmarks;

// `--telemetry [copies]` prints each analyzer's own execution time once (quick, no statistics);
// anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args.Length > 0 && args[0] == "--telemetry")
{
    var copies = args.Length > 1 && int.TryParse(args[1], out var n) && n > 0 ? n : 200;
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

BenchmarkSwitcher.FromAssembly(typeof(AnalyzerBenchmarks).Assembly).Run(args);
return 0;

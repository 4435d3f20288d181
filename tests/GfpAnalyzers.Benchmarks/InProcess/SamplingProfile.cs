using System.Diagnostics.Tracing;
using GfpAnalyzers.Benchmarks.Corpus;
using Microsoft.CodeAnalysis;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `profile`: where our analyzers' time goes, without dotnet-trace. The process samples itself through EventPipe
/// (the runtime's sample profiler, 1 ms) while our analyzers run sequentially over the corpus (or the correlated-bools
/// method), then attributes each sample that runs analyzer code to the innermost component on its stack: CFG
/// construction, binding, the flag-value solver, the lock-state solver, the obligation dataflow, summaries, symbol
/// lookups, the rules' own code. Also prints the hottest methods (exclusive and inclusive).
/// </summary>
internal static class SamplingProfile
{
    // Innermost match wins (checked from the leaf frame up); the first pattern that matches a frame names it.
    private static readonly (string Component, string[] Patterns)[] Components =
    [
        ("CFG construction (Roslyn)", ["Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraphBuilder", "Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph.Create"]),
        ("binding / operation tree (Roslyn)", ["Microsoft.CodeAnalysis.CSharp.Binder", "Microsoft.CodeAnalysis.Operations.CSharpOperationFactory", "Microsoft.CodeAnalysis.CSharp.MethodCompiler"]),
        ("flag-value solver", ["GfpAnalyzers.Analyzers.FlagValues."]),
        ("lock-state solver", ["GfpAnalyzers.Analyzers.AtomicContext.LockFlow", "GfpAnalyzers.Analyzers.AtomicContext.PathState", "GfpAnalyzers.Analyzers.AtomicContext.GraphScan", "GfpAnalyzers.Analyzers.AtomicContext.Continuations"]),
        ("atomic context (other)", ["GfpAnalyzers.Analyzers.AtomicContext."]),
        ("obligation dataflow (GFP004)", ["GfpAnalyzers.Analyzers.PageObligations."]),
        ("summaries (Interprocedural, GFP009/GFP010)", ["GfpAnalyzers.Analyzers.Interprocedural."]),
        ("relevance scans (Summaries)", ["GfpAnalyzers.Analyzers.Summaries."]),
        ("symbol lookups", ["GfpAnalyzers.Analyzers.Symbols.", "Microsoft.CodeAnalysis.CSharp.Symbols.", "Microsoft.CodeAnalysis.SymbolEqualityComparer"]),
        ("rules' own code", ["GfpAnalyzers.Analyzers.Rules."]),
    ];

    public static async Task<int> RunAsync(int lines, int blowUp, string outDirectory, int top = 25, string? callersOf = null)
    {
        var compilation = blowUp > 0
            ? CorpusCompilation.Create([($"Correlated{blowUp}.cs", CorrelatedLocks.Source(blowUp))], "Profile")
            : CorpusCompilation.Create(CorpusGenerator.Generate(lines), "Profile");
        _ = compilation.GetDiagnostics();
        Directory.CreateDirectory(outDirectory);
        var trace = Path.Combine(outDirectory, $"profile-{Environment.ProcessId}.nettrace");
        var providers = new[]
        {
            new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.Default),
        };
        AnalyzerRun run;
        using (var session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 1024))
        {
            var copy = Task.Run(async () =>
            {
                await using var file = File.Create(trace);
                await session.EventStream.CopyToAsync(file);
            });
            run = await AnalyzerRun.RunAsync(compilation, blowUp > 0 ? AnalyzerSets.Ours : AnalyzerSets.AsACommandLineBuildRunsThem(AnalyzerSets.Ours));
            await session.StopAsync(CancellationToken.None);
            await copy;
        }

        Console.WriteLine($"profile: {(blowUp > 0 ? $"one method with {blowUp} correlated bools" : $"{lines}-line corpus, what a command-line build runs")}, ours, sequential: wall {run.Wall.TotalMilliseconds:F0} ms, allocated {run.AllocatedBytes / (double)(1 << 20):F0} MB; {Stats.Load()}");
        Report(trace, top, callersOf);
        return 0;
    }

    private static void Report(string trace, int top, string? callersOf)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(trace);
        using var log = new TraceLog(etlx);
        var components = new Dictionary<string, int>(StringComparer.Ordinal);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var callers = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var sample in log.Events.Where(e => e.ProviderName == "Microsoft-DotNETCore-SampleProfiler"))
        {
            var frames = new List<string>();
            for (var stack = sample.CallStack(); stack is not null; stack = stack.Caller)
            {
                frames.Add(stack.CodeAddress.FullMethodName is { Length: > 0 } name ? name : "?" + stack.CodeAddress.ModuleName);
            }

            // Only samples of a thread running our analyzers (idle and driver threads are sampled too).
            if (!frames.Any(f => f.StartsWith("GfpAnalyzers.Analyzers.", StringComparison.Ordinal)) || IsWaiting(frames[0]))
            {
                continue;
            }

            total++;
            var component = frames.Select(Component).FirstOrDefault(c => c is not null) ?? "other";
            components[component] = components.GetValueOrDefault(component) + 1;
            exclusive[frames[0]] = exclusive.GetValueOrDefault(frames[0]) + 1;
            if (callersOf is not null && frames[0].Contains(callersOf, StringComparison.Ordinal))
            {
                // The first of our frames above the leaf, and the frame just below it: who asks for this work.
                var ours = frames.FindIndex(f => f.StartsWith("GfpAnalyzers.Analyzers.", StringComparison.Ordinal));
                var path = string.Join(" <- ", frames.Take(ours + 1).Skip(Math.Max(0, ours - 2)).Select(Shorten));
                callers[path] = callers.GetValueOrDefault(path) + 1;
            }

            foreach (var frame in frames.Distinct(StringComparer.Ordinal))
            {
                inclusive[frame] = inclusive.GetValueOrDefault(frame) + 1;
            }
        }

        Console.WriteLine($"  {total} samples (≈ ms) in analyzer code; by innermost component:");
        foreach (var (component, count) in components.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"    {100.0 * count / Math.Max(total, 1),5:F1}%  {component}");
        }

        Console.WriteLine("  hottest methods, exclusive:");
        foreach (var (method, count) in exclusive.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(20))
        {
            Console.WriteLine($"    {100.0 * count / Math.Max(total, 1),5:F1}%  {Shorten(method)}");
        }

        Console.WriteLine("  our methods, inclusive:");
        foreach (var (method, count) in inclusive.Where(p => p.Key.StartsWith("GfpAnalyzers.Analyzers.", StringComparison.Ordinal))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top))
        {
            Console.WriteLine($"    {100.0 * count / Math.Max(total, 1),5:F1}%  {Shorten(method)}");
        }

        if (callersOf is not null)
        {
            Console.WriteLine($"  where the leaf '{callersOf}' is reached from (innermost of our frames, with the two frames below it):");
            foreach (var (path, count) in callers.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top))
            {
                Console.WriteLine($"    {count,5}  {path}");
            }
        }

        File.Delete(trace);
        File.Delete(etlx);
    }

    private static bool IsWaiting(string leaf)
        => leaf.Contains("WaitHandle", StringComparison.Ordinal) || leaf.Contains("Monitor.Wait", StringComparison.Ordinal)
           || leaf.Contains("LowLevelLifoSemaphore", StringComparison.Ordinal);

    private static string? Component(string frame)
    {
        foreach (var (component, patterns) in Components)
        {
            if (patterns.Any(p => frame.StartsWith(p, StringComparison.Ordinal)))
            {
                return component;
            }
        }

        return null;
    }

    private static string Shorten(string method)
    {
        var paren = method.IndexOf('(', StringComparison.Ordinal);
        var name = paren > 0 ? method[..paren] : method;
        return name.Length > 110 ? name[..110] + "…" : name;
    }
}

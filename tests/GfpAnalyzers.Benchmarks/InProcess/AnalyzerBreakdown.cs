using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using GfpAnalyzers.Benchmarks.Corpus;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `breakdown`: each analyzer's own execution time (the compiler's analyzer telemetry, as -p:ReportAnalyzer=true
/// prints it; wall-clock based) on the generated corpus, ours and CA2000, median of several runs, after the compiler's
/// own pass; the whole analysis' wall and process CPU time.
/// </summary>
internal static class AnalyzerBreakdown
{
    public static async Task<int> RunAsync(int lines, int runs, bool dry, string? beforeAnalyzers = null)
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
        Console.WriteLine($"breakdown: {files.Count} files, {total} lines ({files.Where(f => f.IsAllocatorCode).Sum(f => f.Lines)} allocator-style), {runs} run(s), {Stats.Load()}");
        var sets = new List<(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers, Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions Options)>
        {
            ("baseline", [new BaselineAnalyzer()], compilation.Options),
            ("ours", AnalyzerSets.Ours, compilation.Options),
            ("CA2000", AnalyzerSets.Ca2000Analyzers, AnalyzerSets.WithCa2000(compilation.Options)),
        };
        if (beforeAnalyzers is not null)
        {
            sets.Add(("before", AnalyzerSets.Older(beforeAnalyzers), compilation.Options));
        }

        foreach (var (name, analyzers, options) in sets)
        {
            var configured = compilation.WithOptions(options);
            _ = configured.GetDiagnostics();
            var results = new List<AnalyzerRun>();
            for (var run = 0; run < runs; run++)
            {
                // A fresh compilation each run, so no run reuses another's bound trees or analyzer state.
                var fresh = configured.Clone();
                _ = fresh.GetDiagnostics();
                results.Add(await AnalyzerRun.RunAsync(fresh, analyzers));
            }

            if (results[0].Failures.FirstOrDefault() is { } failure)
            {
                Console.Error.WriteLine($"An analyzer failed: {failure}");
                return 1;
            }

            var prefix = name switch { "ours" or "before" => "GFP", "CA2000" => AnalyzerSets.Ca2000, _ => "BASE" };
            Console.WriteLine($"  {name}: diagnostics {results[0].CountsById(prefix)}");
            if (dry)
            {
                continue;
            }

            Console.WriteLine($"  {name}: wall {Stats.Median(results.Select(r => r.Wall.TotalMilliseconds)),8:F0} ms, CPU {Stats.Median(results.Select(r => r.Cpu.TotalMilliseconds)),8:F0} ms, allocated {Stats.Median(results.Select(r => (double)r.AllocatedBytes)) / (1 << 20),7:F0} MB (medians)");
            foreach (var analyzer in results[0].PerAnalyzer.Select(p => p.Analyzer))
            {
                var median = Stats.Median(results.Select(r => r.PerAnalyzer.First(p => p.Analyzer == analyzer).Time.TotalMilliseconds));
                Console.WriteLine($"    {analyzer,-48} {median,8:F0} ms  {median / (total / 1000.0),6:F2} ms/kloc");
            }
        }

        Console.WriteLine($"  ({Stats.Load()})");
        return 0;
    }
}

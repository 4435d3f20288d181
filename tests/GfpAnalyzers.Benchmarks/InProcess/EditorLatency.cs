using System.Collections.Immutable;
using System.Diagnostics;
using GfpAnalyzers.Benchmarks.Corpus;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `editor`: what the IDE pays when one file changes. In an already-compiled project of the generated corpus, the
/// semantic analysis of single 200–400-line files (GetAnalyzerSemanticDiagnosticsAsync on one tree), warm: each
/// analysis session first analyses other files, then each measured file once. Wall time includes binding the file;
/// CPU is the process' CPU time over the same call (the load of a shared machine does not inflate it); "own" is the
/// analyzers' own execution time (telemetry, wall-clock based), the part that is ours to make cheaper.
/// </summary>
internal static class EditorLatency
{
    private const int WarmUpFilesPerKind = 4;

    public static async Task<int> RunAsync(int lines, int filesPerKind, int sessions, bool dry, string? beforeAnalyzers = null)
    {
        var files = CorpusGenerator.Generate(lines);
        var compilation = CorpusCompilation.Create(files);
        if (CorpusCompilation.Errors(compilation).Count > 0)
        {
            Console.Error.WriteLine("The generated corpus does not compile: run `breakdown` to see why.");
            return 1;
        }

        var (warmUp, measured) = Pick(files, filesPerKind);
        Console.WriteLine($"editor: {files.Count} files, {files.Sum(f => f.Lines)} lines; {measured.Count} measured files of {measured.Min(f => f.Lines)}–{measured.Max(f => f.Lines)} lines, {sessions} session(s), {Stats.Load()}");
        var medians = new Dictionary<(string Set, bool Allocator), (double Wall, double Cpu, double Own)>();
        var sets = new List<(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers, Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions Options)>
        {
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
            var samples = measured.ToDictionary(f => f.Name, _ => new List<(double Wall, double Cpu, double Own)>());
            for (var session = 0; session < sessions; session++)
            {
                var withAnalyzers = configured.WithAnalyzers(
                    analyzers,
                    new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
                foreach (var file in warmUp)
                {
                    _ = await AnalyzeAsync(withAnalyzers, analyzers, file);
                }

                foreach (var file in measured)
                {
                    samples[file.Name].Add(await AnalyzeAsync(withAnalyzers, analyzers, file));
                }
            }

            foreach (var allocator in new[] { true, false })
            {
                var perFile = measured.Where(f => f.IsAllocatorCode == allocator).Select(f => samples[f.Name]).ToList();
                medians[(name, allocator)] = (
                    Stats.Median(perFile.Select(s => Stats.Median(s.Select(x => x.Wall)))),
                    Stats.Median(perFile.Select(s => Stats.Median(s.Select(x => x.Cpu)))),
                    Stats.Median(perFile.Select(s => Stats.Median(s.Select(x => x.Own)))));
            }
        }

        if (dry)
        {
            Console.WriteLine("  (dry run: no figures)");
            return 0;
        }

        foreach (var allocator in new[] { true, false })
        {
            var kind = allocator ? "allocator files" : "business files ";
            var ours = medians[("ours", allocator)];
            var ca2000 = medians[("CA2000", allocator)];
            Console.WriteLine($"  {kind}: ours {ours.Wall,6:F2} ms wall, {ours.Cpu,6:F2} ms CPU, {ours.Own,6:F2} ms own | CA2000 {ca2000.Wall,6:F2} ms wall, {ca2000.Cpu,6:F2} ms CPU, {ca2000.Own,6:F2} ms own | ours/CA2000: CPU {ours.Cpu / ca2000.Cpu:F2}, own {ours.Own / ca2000.Own:F2}");
            if (medians.TryGetValue(("before", allocator), out var before))
            {
                Console.WriteLine($"  {kind}: before {before.Wall,6:F2} ms wall, {before.Cpu,6:F2} ms CPU, {before.Own,6:F2} ms own | ours/before: CPU {ours.Cpu / before.Cpu:F2}, own {ours.Own / before.Own:F2}");
            }

        }

        Console.WriteLine($"  (medians over files of each file's median; {Stats.Load()})");
        return 0;
    }

    /// <summary>Evenly spaced files of each kind, the first few kept apart for warming up.</summary>
    private static (List<GeneratedFile> WarmUp, List<GeneratedFile> Measured) Pick(IReadOnlyList<GeneratedFile> files, int perKind)
    {
        var warmUp = new List<GeneratedFile>();
        var measured = new List<GeneratedFile>();
        foreach (var allocator in new[] { true, false })
        {
            var kind = files.Where(f => f.IsAllocatorCode == allocator).ToList();
            warmUp.AddRange(kind.Take(WarmUpFilesPerKind));
            var rest = kind.Skip(WarmUpFilesPerKind).ToList();
            var count = Math.Min(perKind, rest.Count);
            measured.AddRange(Enumerable.Range(0, count).Select(i => rest[i * rest.Count / count]));
        }

        return (warmUp, measured);
    }

    private static async Task<(double Wall, double Cpu, double Own)> AnalyzeAsync(
        CompilationWithAnalyzers withAnalyzers, ImmutableArray<DiagnosticAnalyzer> analyzers, GeneratedFile file)
    {
        var tree = withAnalyzers.Compilation.SyntaxTrees.First(t => t.FilePath == file.Name);
        var model = withAnalyzers.Compilation.GetSemanticModel(tree);
        var before = await OwnTimeAsync(withAnalyzers, analyzers);
        var cpu = CpuTime.Self();
        var wall = Stopwatch.StartNew();
        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, CancellationToken.None);
        wall.Stop();
        var cpuUsed = (CpuTime.Self() - cpu).TotalMilliseconds;
        if (diagnostics.FirstOrDefault(d => d.Id == "AD0001") is { } failure)
        {
            throw new InvalidOperationException($"An analyzer failed on {file.Name}: {failure}");
        }

        return (wall.Elapsed.TotalMilliseconds, cpuUsed, (await OwnTimeAsync(withAnalyzers, analyzers)) - before);
    }

    private static async Task<double> OwnTimeAsync(CompilationWithAnalyzers withAnalyzers, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var total = 0.0;
        foreach (var analyzer in analyzers)
        {
            total += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds;
        }

        return total;
    }
}

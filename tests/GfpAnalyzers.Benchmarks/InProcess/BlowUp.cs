using GfpAnalyzers.Benchmarks.Corpus;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `blowup`: one method with N correlated bools (<see cref="CorrelatedLocks"/>) and one with N NoCodetag pages
/// (<see cref="ManyNoCodetagPages"/>), each cleared right before its free (GFP004's pre-check skips the method) or a
/// statement apart (GFP004's dataflow runs); each analyzer's own time, the whole analysis' wall time and the bytes it
/// allocates, for each N. Linear analyses double with N; this shows which do not.
/// </summary>
internal static class BlowUp
{
    /// <summary>The shapes measured, each a whole file for one N.</summary>
    private static readonly (string Name, Func<int, string> Source)[] Shapes =
    [
        ("correlated bools", CorrelatedLocks.Source),
        ("NoCodetag pages", ManyNoCodetagPages.Source),
        ("NoCodetag pages, clear apart", ManyNoCodetagPages.SourceWithClearApart),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, bool dry)
    {
        Console.WriteLine($"blowup: one method with N correlated bools, each guarding lock / allocate / unlock; one method with N NoCodetag pages, each published or cleared and freed, the clear right before the free or a statement apart; {Stats.Load()}");
        foreach (var (shape, generate) in Shapes)
        {
            foreach (var n in sizes)
            {
                if (await MeasureAsync(shape, n, generate(n), dry) != 0)
                {
                    return 1;
                }
            }
        }

        return 0;
    }

    private static async Task<int> MeasureAsync(string shape, int n, string source, bool dry)
    {
        var compilation = CorpusCompilation.Create([($"BlowUp{n}.cs", source)], $"BlowUp{n}");
        if (CorpusCompilation.Errors(compilation) is { Count: > 0 } errors)
        {
            Console.Error.WriteLine($"The blow-up source ({shape}) does not compile: {errors[0]}");
            return 1;
        }

        var run = await AnalyzerRun.RunAsync(compilation, AnalyzerSets.Ours);
        if (run.Failures.FirstOrDefault() is { } failure)
        {
            Console.Error.WriteLine($"An analyzer failed: {failure}");
            return 1;
        }

        var lines = CorpusGenerator.CountLines(source);
        if (dry)
        {
            Console.WriteLine($"  {shape}, N={n}: {lines} lines, diagnostics {run.CountsById("GFP")}");
            return 0;
        }

        var top = string.Join(", ", run.PerAnalyzer.OrderByDescending(p => p.Time).Take(4)
            .Select(p => $"{p.Analyzer.Replace("Analyzer", "", StringComparison.Ordinal)} {p.Time.TotalMilliseconds:F0} ms"));
        Console.WriteLine($"  {shape}, N={n,4}: {lines,6} lines, wall {run.Wall.TotalMilliseconds,8:F0} ms, CPU {run.Cpu.TotalMilliseconds,8:F0} ms, allocated {run.AllocatedBytes / (double)(1 << 20),8:F0} MB, diagnostics {run.CountsById("GFP")}; {top}; {Stats.Load()}");
        return 0;
    }
}

using GfpAnalyzers.Corpus;
using GfpAnalyzers.Harness;
using GfpAnalyzers.Tests.Meta;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Tests.Reliability;

/// <summary>
/// Results are a pure function of the compilation: the same compilation analysed 20 times one after another and 20
/// times concurrently gives the same diagnostics with the same messages, byte for byte, whatever method a thread
/// reaches first. The sources are the ones the issue found flipping: mutually recursive helpers reached from two
/// entry points, a chain of a dozen delegating calls, several sleeping callees; plus the corpus and the samples.
/// </summary>
public class DeterminismTests
{
    private const int Runs = 20;

    /// <summary>Mutually recursive helpers that free a NoCodetag page, reached from two entry points.</summary>
    private const string RecursiveHelpers = """
        using GfpAnalyzers.Runtime;

        sealed class Recursive
        {
            private readonly PageAllocator _allocator = new();

            public void EntryA(int n)
            {
                var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (page != null)
                    Ping(page, n);
            }

            public void EntryB(int n)
            {
                var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (page != null)
                    Pong(page, n);
            }

            public void Direct()
            {
                // Not recursive: reported whatever the cycle above yields.
                var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (page != null)
                    _allocator.FreePage(page);
            }

            private void Ping(Page page, int n)
            {
                if (n > 0)
                    Pong(page, n - 1);
                else
                    _allocator.FreePage(page);
            }

            private void Pong(Page page, int n)
            {
                if (n > 0)
                    Ping(page, n - 1);
                else
                    _allocator.FreePage(page);
            }
        }
        """;

    /// <summary>Twelve methods each handing the page to the next; the last frees it without a clear.</summary>
    private static string DelegationChain(int length)
    {
        var text = new System.Text.StringBuilder("""
            using GfpAnalyzers.Runtime;

            sealed class Chain
            {
                private readonly PageAllocator _allocator = new();

                public void Entry()
                {
                    var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page != null)
                        Step0(page);
                }

                public void OtherEntry(Page page) => Step5(page);

            """);
        for (var i = 0; i < length; i++)
        {
            text.Append($"    private void Step{i}(Page page) => {(i + 1 < length ? $"Step{i + 1}(page)" : "_allocator.FreePage(page)")};\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>An RCU section calling several helpers that each sleep in a different way (GFP009 names one).</summary>
    private const string SeveralSleepers = """
        using GfpAnalyzers.Runtime;

        sealed class Sleepers
        {
            private readonly PageAllocator _allocator = new();
            private readonly Rcu _rcu = new();

            public void Run()
            {
                _rcu.ReadLock();
                Flush();
                _rcu.ReadUnlock();
            }

            private void Flush()
            {
                Drain();
                Grow();
                Wait();
            }

            private void Drain() => Wait();
            private void Wait() => _rcu.Synchronize();
            private void Grow() => _allocator.AllocPage(Gfp.Kernel);
        }
        """;

    public static TheoryData<string> Sources() => new()
    {
        "recursive helpers",
        "delegation chain",
        "several sleepers",
        "corpus",
        "samples",
    };

    private static string[] SourcesOf(string name) => name switch
    {
        "recursive helpers" => [RecursiveHelpers],
        "delegation chain" => [DelegationChain(12)],
        "several sleepers" => [SeveralSleepers],
        "corpus" => [CorpusFiles.EarlyPfnTracker],
        "samples" => Directory.GetFiles(Path.Combine(AnalyzerCatalog.RepositoryRoot(), "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && (path.Contains("Tour", StringComparison.Ordinal) || path.Contains("EarlyPfn.V5", StringComparison.Ordinal)))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_same_compilation_gives_the_same_diagnostics_sequentially_and_concurrently(string name)
    {
        var sources = SourcesOf(name);
        var workbench = ReliabilityWorkbench.Instance;

        // A fresh compilation per run: nothing cached by an earlier run can hide an order dependence.
        async Task<string> AnalyzeOnce(bool concurrent)
        {
            var compilation = (await workbench.CreateDocument(sources[0]).Project
                .AddDocuments(sources.Skip(1)).GetCompilationAsync())!;
            var run = await workbench.AnalyzeAsync(compilation, concurrent, CancellationToken.None);
            Assert.True(run.Failures.IsEmpty, string.Join("\n", run.Failures));
            return run.Fingerprint();
        }

        var expected = await AnalyzeOnce(concurrent: false);
        Assert.NotEmpty(expected);
        for (var i = 0; i < Runs; i++)
        {
            Assert.Equal(expected, await AnalyzeOnce(concurrent: false));
        }

        var concurrentRuns = new string[Runs];
        await Parallel.ForEachAsync(Enumerable.Range(0, Runs), async (i, _) => concurrentRuns[i] = await AnalyzeOnce(concurrent: true));
        foreach (var result in concurrentRuns)
        {
            Assert.Equal(expected, result);
        }
    }
}

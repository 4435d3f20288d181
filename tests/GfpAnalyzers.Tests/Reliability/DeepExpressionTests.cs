using System.Text;
using GfpAnalyzers.Harness;

namespace GfpAnalyzers.Tests.Reliability;

/// <summary>
/// Input-controlled depth must never overflow the stack: a stack overflow cannot be caught and kills the compiler
/// server, the IDE's analyzer host, or (here) the test host, so a regression fails this run loudly. Each shape runs
/// every analyzer and then every offered fix and Fix All, in this process.
/// </summary>
public class DeepExpressionTests
{
    private const string Prelude = """
        using GfpAnalyzers.Runtime;

        sealed class FlagBuilder
        {
            private Gfp _flags;
            public FlagBuilder With(Gfp flag) { _flags |= flag; return this; }
            public Gfp Build() => _flags;
        }

        sealed class Deep
        {
            private readonly PageAllocator _allocator = new();
            private readonly Rcu _rcu = new();

            public void Run(Gfp g, int c)
            {
                var tracked = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (tracked != null)
                    _allocator.ClearPageTagRef(tracked);
                _rcu.ReadLock();
                var page = _allocator.AllocPage(
        """;

    private const string Postlude = """
                );
                if (page != null)
                    _allocator.FreePage(page);
                _rcu.ReadUnlock();
            }

        """;

    /// <summary>
    /// A long <c>else if</c> chain (a statement chain, nested in the syntax tree) under an RCU section, with a few
    /// findings along it: an early return that leaks the read lock (GFP008), a NoCodetag page freed without a
    /// clear (GFP004), a sleeping allocation (GFP001).
    /// </summary>
    private static string Pick(int n)
    {
        var text = new StringBuilder("""
                private Gfp Pick(Gfp g, int c)
                {
                    _rcu.ReadLock();
                    if (c == 0) { g = Gfp.Atomic; }

            """);
        var step = Math.Max(1, n / 4);
        for (var i = 1; i < n; i++)
        {
            text.Append("        else if (c == ").Append(i).Append(") ");
            text.Append((i % step) switch
            {
                1 => "{ return g; }\n",
                2 => "{ var p = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag); if (p != null) _allocator.FreePage(p); }\n",
                3 => "{ var p = _allocator.AllocPage(Gfp.Kernel); if (p != null) _allocator.FreePage(p); }\n",
                _ => "{ g |= Gfp.NoWarn; }\n",
            });
        }

        text.Append("""
                    _rcu.ReadUnlock();
                    return g;
                }
            }

            """);
        return text.ToString();
    }

    /// <summary>The flags argument of an allocation inside an RCU section, in each shape, with <paramref name="n"/> parts.</summary>
    private static string FlagsExpression(string shape, int n)
    {
        var text = new StringBuilder();
        switch (shape)
        {
            case "constant chain":
                // Gfp.Kernel in an RCU section (GFP001), NoFail (GFP005) and repeated NoWarn (GFP006): fixes rewrite it.
                text.Append("Gfp.Kernel | Gfp.NoFail");
                for (var i = 2; i < n; i++)
                {
                    text.Append(" | Gfp.NoWarn");
                }

                break;
            case "parameter chain":
                text.Append('g');
                for (var i = 1; i < n; i++)
                {
                    text.Append(" | g");
                }

                break;
            case "mixed chain":
                text.Append("Gfp.Atomic");
                for (var i = 1; i < n; i++)
                {
                    text.Append(i % 3 == 0 ? " & ~Gfp.DirectReclaim" : i % 3 == 1 ? " | g" : " ^ Gfp.NoWarn");
                }

                break;
            case "nested parentheses":
                text.Append('(', n).Append("Gfp.Kernel | g").Append(')', n);
                break;
            case "right-nested operators":
                for (var i = 1; i < n; i++)
                {
                    text.Append("g | (");
                }

                text.Append("Gfp.Kernel").Append(')', n - 1);
                break;
            case "conditional chain":
                for (var i = 1; i < n; i++)
                {
                    text.Append("c == ").Append(i).Append(i % 2 == 0 ? " ? Gfp.Kernel : " : " ? Gfp.Atomic : ");
                }

                text.Append('g');
                break;
            case "switch expression":
                text.Append("c switch { ");
                for (var i = 1; i < n; i++)
                {
                    text.Append(i).Append(i % 2 == 0 ? " => Gfp.Kernel, " : " => g, ");
                }

                text.Append("_ => Gfp.Atomic }");
                break;
            case "method-call chain":
                text.Append("new FlagBuilder()");
                for (var i = 1; i < n; i++)
                {
                    text.Append(i % 2 == 0 ? ".With(Gfp.NoWarn)" : ".With(g)");
                }

                text.Append(".Build()");
                break;
            case "else-if chain":
                text.Append("Pick(g, c)");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }

        return text.ToString();
    }

    /// <summary>
    /// Which shapes the C# compiler (Roslyn 4.x, on a default-size stack) compiles without error: it builds binary
    /// operator chains, switch arms and call chains iteratively, but its parser gives up (CS8078, "expression too
    /// long") on deeply nested parentheses, right-nested operators and long ?: chains. The analyzers must survive both.
    /// </summary>
    public static TheoryData<string, int, bool> Shapes() => new()
    {
        { "constant chain", 10_000, true },
        { "parameter chain", 10_000, true },
        { "mixed chain", 10_000, true },
        { "nested parentheses", 1_000, true },
        { "nested parentheses", 3_000, true },
        { "right-nested operators", 10_000, false },
        // A long ?: chain is parsed (the parser bails out with CS8078 only when its own stack runs low) but then bound
        // recursively (Binder.BindConditionalOperator): at 10,000 links that overflowed the test host's stack on a
        // thread-pool thread in CI, in the compiler, before any analyzer ran. 500 links compile on every thread.
        { "conditional chain", 500, true },
        // Flat shapes (no nesting): kept small because the analyses are slow on them, not deep (a 10,000-arm switch
        // takes minutes; see the fuzzer's slow-file count).
        { "switch expression", 2_000, true },
        // Roslyn 4.8 itself overflows the stack, before any analyzer runs, on a 10,000-call chain
        // (NullabilityRewriter.VisitCall), on 10,000 nested parentheses (the analyzer driver's GeneratedCodeTokenWalker)
        // and on a 10,000-branch else-if chain (NullableWalker): these shapes stay at depths the compiler survives.
        { "method-call chain", 1_000, true },
        { "method-call chain", 3_000, true },
        { "else-if chain", 300, true },
    };

    /// <summary>
    /// 100,000 operands: the analyzers walk the whole chain (flag values, page obligations, atomic context), on code
    /// where nothing is wrong. Roslyn 4.8's analyzer driver, the host of these tests, overflows its own stack when any
    /// analyzer reports a diagnostic in a tree this deep (AnalyzerDriver.IsInGeneratedCode walks the tree
    /// recursively), so at this size the code is clean and the test also proves the walk finds nothing to say.
    /// </summary>
    [Theory]
    [InlineData("g", " | g", 1_000)]
    [InlineData("Gfp.High | Gfp.NoCodetag", " | 0", 1_000)]
    [InlineData("Gfp.Atomic", " & ~Gfp.DirectReclaim | g", 1_000)]
    [InlineData("g", " | g", 100_000)]
    [InlineData("Gfp.High | Gfp.NoCodetag", " | 0", 100_000)]
    [InlineData("Gfp.Atomic", " & ~Gfp.DirectReclaim | g", 100_000)]
    public async Task Analyzers_walk_long_operand_chains_on_clean_code(string first, string next, int n)
    {
        var chain = new StringBuilder(first);
        for (var i = 1; i < n; i++)
        {
            chain.Append(next);
        }

        var source = $$"""
            using GfpAnalyzers.Runtime;

            sealed class Deep
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                public void Run(Gfp g)
                {
                    var flags = {{chain}};
                    var page = _allocator.AllocPage(flags);
                    if (page != null)
                    {
                        _allocator.ClearPageTagRef(page);
                        _allocator.FreePage(page);
                    }

                    _rcu.ReadLock();
                    var atomic = _allocator.AllocPage(Gfp.High);
                    _rcu.ReadUnlock();
                    if (atomic != null)
                        _allocator.FreePage(atomic);
                }
            }
            """;
        var document = ReliabilityWorkbench.Instance.CreateDocument(source);
        Assert.Empty(await GfpWorkbench.CompilerErrorsAsync(document, CancellationToken.None));
        var run = await ReliabilityWorkbench.Instance.AnalyzeAsync(document, concurrent: true, CancellationToken.None);
        Assert.True(run.Failures.IsEmpty, string.Join("\n", run.Failures));
        Assert.True(run.Diagnostics.IsEmpty, run.Fingerprint());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Analyzers_and_fixes_survive_deep_flag_expressions(string shape, int n, bool compilerAccepts)
    {
        var workbench = ReliabilityWorkbench.Instance;
        var document = workbench.CreateDocument(Prelude + FlagsExpression(shape, n) + Postlude + Pick(shape == "else-if chain" ? n : 3));
        var errors = await GfpWorkbench.CompilerErrorsAsync(document, CancellationToken.None);
        Assert.True(compilerAccepts == errors.IsEmpty,
            $"{shape} x{n}: the compiler {(errors.IsEmpty ? "accepts" : "rejects")} it ({string.Join(", ", errors.Select(e => e.Id).Distinct())})");

        var run = await workbench.AnalyzeAsync(document, concurrent: true, CancellationToken.None);
        Assert.True(run.Failures.IsEmpty, string.Join("\n", run.Failures));
        // The first three findings of each rule get every fix, and Fix All runs where a rule has at most three: a
        // 10,000-operand chain of repeated constants has 10,000 GFP006 findings, and fixing all of them is a
        // question of speed, not of depth.
        var outcomes = await workbench.ApplyEveryFixAsync(document, run.Diagnostics, includeFixAll: true, CancellationToken.None, maxPerRule: 3);
        var failed = outcomes.Where(o => o.Error is not null).Select(o => $"{o.Title}: {o.Error}").ToArray();
        Assert.True(failed.Length == 0, string.Join("\n", failed));
    }
}

using GfpAnalyzers.Analyzers.Interprocedural;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>A summary is a pure function of the compilation: not of which method is asked first, nor of thread timing.</summary>
public class SummaryDeterminismTests
{
    // Three components: {A, B, D} (mutually recursive, with flows, conditional and unconditional sleeps), {E} (self-recursive), {F}.
    private const string Source = """
        class C
        {
            private readonly PageAllocator _a = new();
            private readonly Rcu _rcu = new();

            Page? A(Gfp gfp, int n, bool wait) { if (wait) _rcu.Synchronize(); return n == 0 ? _a.AllocPage(gfp) : B(gfp & ~Gfp.HighMem, n - 1, wait); }
            Page? B(Gfp gfp, int n, bool wait) => n == 1 ? D(gfp | Gfp.NoWarn, n, !wait) : A(gfp, n - 1, false);
            Page? D(Gfp gfp, int n, bool wait) { E(gfp, n); return A(gfp & ~Gfp.DirectReclaim, n, wait); }
            void E(Gfp gfp, int n) { if (n > 0) E(gfp | Gfp.High, n - 1); else F(gfp); }
            void F(Gfp gfp) { if (gfp.AllowsBlocking()) _rcu.Synchronize(); _a.AllocPage(gfp & ~Gfp.ThisNode); }
        }
        """;

    private static readonly string[] Names = ["A", "B", "D", "E", "F"];

    private static async Task<string> RenderAllAsync(IEnumerable<string> order, bool parallel = false)
    {
        var compilation = await SummaryHarness.CompileAsync(Source);
        var methods = order.Select(name => SummaryHarness.Method(compilation, "C", name)).ToArray();
        if (parallel)
        {
            Parallel.ForEach(methods, new ParallelOptions { MaxDegreeOfParallelism = 8 }, method => SummaryHarness.Summary(compilation, method));
        }
        else
        {
            foreach (var method in methods)
            {
                SummaryHarness.Summary(compilation, method);
            }
        }

        return string.Join("\n== ", Names.Select(name => name + "\n" + SummaryHarness.Render(SummaryHarness.Summary(compilation, SummaryHarness.Method(compilation, "C", name)))));
    }

    [Fact]
    public async Task The_order_in_which_methods_are_asked_does_not_change_any_summary()
    {
        var forward = await RenderAllAsync(Names);
        Assert.Equal(forward, await RenderAllAsync(Names.Reverse()));
        Assert.Equal(forward, await RenderAllAsync(["D", "F", "A", "E", "B"]));
        Assert.DoesNotContain("unknown", forward, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Threads_asking_at_once_get_the_same_summaries()
    {
        var sequential = await RenderAllAsync(Names);
        for (var run = 0; run < 8; run++)
        {
            var shuffled = Names.OrderBy(_ => Random.Shared.Next()).Concat(Names).Concat(Names);
            Assert.Equal(sequential, await RenderAllAsync(shuffled, parallel: true));
        }
    }

    [Fact]
    public async Task Conditions_and_masks_compose_through_a_recursive_component()
    {
        var compilation = await SummaryHarness.CompileAsync(Source);
        var summary = SummaryHarness.Summary(compilation, SummaryHarness.Method(compilation, "C", "A"));

        // A's own Synchronize happens only when 'wait' (ordinal 2) is true.
        Assert.Contains(summary.Sleeps, s => s.Chain.IsEmpty && s.Conditions.SequenceEqual([new ParameterCondition(2, ConditionKind.IsTrue)]));
        // A's own allocation: only when n == 0, with the caller's gfp untouched.
        var own = Assert.Single(summary.Flows, f => f.Chain.IsEmpty);
        Assert.True(own.Conditions.SequenceEqual([new ParameterCondition(1, ConditionKind.EqualsConstant, 0)]), SummaryHarness.Render(summary));
        // F's allocation through E: ThisNode is cleared on the way, High added by E's recursion.
        var throughF = summary.Flows.First(f => f.Chain.LastOrDefault() == "F");
        Assert.False(throughF.Value.MayHave(0x200000u));
    }

    [Fact]
    public async Task A_method_without_a_body_here_is_unknown()
    {
        var compilation = await SummaryHarness.CompileAsync("""
            abstract class C
            {
                public abstract void Abstract();
                partial class P { partial void Declared(); }
            }
            """);
        var method = SummaryHarness.Method(compilation, "C", "Abstract");
        Assert.True(SummaryHarness.Summary(compilation, method).IsUnknown);
        var list = compilation.GetSpecialType(SpecialType.System_Object).GetMembers("ToString").OfType<IMethodSymbol>().First();
        Assert.True(SummaryHarness.Summary(compilation, list).IsUnknown);
    }
}

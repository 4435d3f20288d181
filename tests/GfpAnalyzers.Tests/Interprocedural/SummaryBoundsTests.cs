using System.Text;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>The documented bounds (docs/interprocedural.md): past each, the callee is unknown, and unknown is silent.</summary>
public class SummaryBoundsTests
{
    [Fact]
    public async Task A_callee_past_the_size_bound_is_unknown_and_one_within_it_is_followed()
    {
        // Each statement `n += i;` is a few operations: enough of them push the body past MethodBodies.MaxOperations.
        static string Body(int statements) => string.Concat(Enumerable.Repeat("n += 1; ", statements));
        var source = TestEnvironment.Usings + $$"""
            class C
            {
                private readonly Rcu _rcu = new();
                void Small(int n) { {{Body(10)}} _rcu.Synchronize(); }
                void Huge(int n) { {{Body(MethodBodies.MaxOperations)}} _rcu.Synchronize(); }

                [RcuReadLockHeld]
                void M()
                {
                    {|#0:Small(0)|};
                    Huge(0);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Call to 'Small'", "in method 'M' marked [RcuReadLockHeld]", "'Small' calls 'Rcu.Synchronize()'"));
    }

    [Theory]
    [InlineData(SummaryStore.MaxComponent, false)]
    [InlineData(SummaryStore.MaxComponent + 1, true)]
    public async Task A_recursive_component_past_the_size_bound_is_unknown(int members, bool unknown)
    {
        // R0 → R1 → … → R(n-1) → R0, and R0 sleeps.
        var text = new StringBuilder("class C\n{\n    private readonly Rcu _rcu = new();\n");
        for (var i = 0; i < members; i++)
        {
            text.Append($"    void R{i}(int n) {{ if (n > 0) R{(i + 1) % members}(n - 1); {(i == 0 ? "_rcu.Synchronize();" : "")} }}\n");
        }

        text.Append("}\n");
        var compilation = await SummaryHarness.CompileAsync(text.ToString());
        // R(n-1) calls R0, which sleeps (members farther round the cycle are past the chain bound anyway).
        var summary = SummaryHarness.Summary(compilation, SummaryHarness.Method(compilation, "C", $"R{members - 1}"));
        Assert.Equal(unknown, summary.IsUnknown);
        if (!unknown)
        {
            Assert.Contains(summary.Sleeps, s => s.Leaf == "calls 'Rcu.Synchronize()'" && s.Chain.SequenceEqual(["R0"]));
        }
    }

    [Fact]
    public async Task A_deep_chain_is_followed_without_recursion_of_the_analyzer()
    {
        // 2000 methods each calling the next: the walk uses an explicit stack, so depth is no danger.
        const int depth = 2000;
        var text = new StringBuilder("class C\n{\n    private readonly Rcu _rcu = new();\n");
        for (var i = 0; i < depth; i++)
        {
            text.Append(i == depth - 1 ? $"    void D{i}() => _rcu.Synchronize();\n" : $"    void D{i}() => D{i + 1}();\n");
        }

        text.Append("}\n");
        var compilation = await SummaryHarness.CompileAsync(text.ToString());
        var summary = SummaryHarness.Summary(compilation, SummaryHarness.Method(compilation, "C", "D0"));

        // Chains longer than CallComposition.MaxChainLength are not followed: D0 is too far from the sleep.
        Assert.Empty(summary.Sleeps);
        var near = SummaryHarness.Summary(compilation, SummaryHarness.Method(compilation, "C", $"D{depth - CallComposition.MaxChainLength}"));
        Assert.Single(near.Sleeps);
    }
}

using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP002/GFP003: a guard on the caller's flags narrows them on the guarded path, so the message names only
/// the bits that can still be there, and an equality test makes the value the compared constant.
/// </summary>
public class GFP003GuardNarrowingTests
{
    private const string Section = "inside the RCU read-side section entered at line 6";

    private static Task Verify(string body, DiagnosticResult expected)
    {
        var test = new AllFlagRulesTest
        {
            TestCode = TestEnvironment.Usings + $$"""
                class C
                {
                    void M(PageAllocator a, Rcu rcu, Gfp gfp)
                    {
                        using (rcu.ReadLock())
                        {
                            {{body}}
                        }
                    }
                }
                """,
        };
        // The cases name inherited KswapdReclaim under rcu_read_lock(): kswapd wake-ups count in every atomic context.
        Gfp002Scope.All(test.TestState);
        test.ExpectedDiagnostics.Add(expected);
        return test.RunAsync();
    }

    [Theory]
    [InlineData("if (!gfp.AllowsBlocking()) a.AllocPage({|#0:gfp|});")]
    [InlineData("if ((gfp & Gfp.DirectReclaim) == 0) a.AllocPage({|#0:gfp|});")]
    public async Task Bits_ruled_out_by_the_guard_are_not_named(string body)
    {
        await Verify(body, CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>.Diagnostic("GFP003").WithLocation(0)
            .WithArguments(Section, "ZoneMask, KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    [Theory]
    [InlineData("if (gfp == Gfp.Atomic) a.AllocPage({|#0:gfp|});")]
    [InlineData("if (Gfp.Atomic != gfp) return; a.AllocPage({|#0:gfp|});")]
    public async Task Equality_with_a_constant_makes_the_flags_that_constant(string body)
    {
        await Verify(body, CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>.Diagnostic("GFP002").WithLocation(0)
            .WithArguments(Section, "Gfp.Atomic"));
    }

    [Fact]
    public async Task Inequality_does_not_narrow()
    {
        await Verify("if (gfp != Gfp.Kernel) a.AllocPage({|#0:gfp|});",
            CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>.Diagnostic("GFP003").WithLocation(0)
                .WithArguments(Section, "ZoneMask, DirectReclaim, KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }
}

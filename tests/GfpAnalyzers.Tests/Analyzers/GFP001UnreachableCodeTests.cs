using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP001–GFP003, GFP005, GFP007: code under a constant-false condition (a translated IS_ENABLED(CONFIG_...))
/// never runs; neither its allocations nor its assignments are reported or followed.
/// </summary>
public class GFP001UnreachableCodeTests
{
    private static Task Verify(string body, params DiagnosticResult[] expected)
    {
        var test = new AllFlagRulesTest
        {
            TestCode = TestEnvironment.Usings + $$"""
                class C
                {
                    private const bool Debug = false;

                    void M(PageAllocator a, Rcu rcu, Gfp gfp)
                    {
                        using (rcu.ReadLock())
                        {
                            {{body}}
                        }
                    }

                    [AllocationHook]
                    void Record(ulong pfn, Gfp gfp, PageAllocator a)
                    {
                        if (Debug) a.AllocPage(Gfp.Kernel);
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Theory]
    [InlineData("if (Debug) a.AllocPage(Gfp.Kernel);")]
    [InlineData("if (false) a.AllocPage(gfp);")]
    [InlineData("if (Debug) a.AllocPage(Gfp.Atomic | Gfp.NoFail);")]
    [InlineData("if (!Debug) a.AllocPage(Gfp.High); else a.AllocPage(Gfp.Kernel | Gfp.NoWarn);")]
    [InlineData("var f = Gfp.High; if (Debug) f = Gfp.Kernel; a.AllocPage(f);")]
    public async Task Dead_code_is_not_reported(string body)
    {
        await Verify(body);
    }

    [Fact]
    public async Task Live_code_next_to_dead_code_is_still_reported()
    {
        await Verify(
            "if (Debug) a.AllocPage(Gfp.High); a.AllocPage({|#0:Gfp.Kernel|});",
            CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>.Diagnostic("GFP001").WithLocation(0)
                .WithArguments("inside the RCU read-side section entered at line 8", "Gfp.Kernel"));
    }
}

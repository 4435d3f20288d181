using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP007HookAllocationWithoutNoCodetagAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP007: an allocation in an [AllocationHook] method without NoCodetag re-enters the hook.</summary>
public class GFP007HookAllocationWithoutNoCodetagTests
{
    private static string Hook(string body, string parameters = "") => TestEnvironment.Usings + $$"""
        class C
        {
            [AllocationHook]
            void Record(PageAllocator a, bool c{{parameters}})
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public async Task Constant_without_NoCodetag()
    {
        await VerifyCS.VerifyAnalyzerAsync(Hook("a.AllocPage({|#0:Gfp.High|});"),
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in allocation hook 'Record'", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Fact]
    public async Task NoCodetag_on_one_path_only()
    {
        await VerifyCS.VerifyAnalyzerAsync(Hook("var f = Gfp.High; if (c) f |= Gfp.NoCodetag; a.AllocPage({|#0:f|});"),
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in allocation hook 'Record'", "does not carry NoCodetag on every path", "re-enters the hook, which allocates again without end"));
    }

    [Fact]
    public async Task NoCodetag_left_to_the_caller()
    {
        await VerifyCS.VerifyAnalyzerAsync(Hook("a.AllocPage({|#0:gfp & Gfp.NoCodetag|});", ", Gfp gfp"),
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in allocation hook 'Record'", "gets NoCodetag only from parameter 'gfp', which need not carry it", "may re-enter the hook, which would allocate again without end"));
    }

    [Fact]
    public async Task NoCodetag_stripped_by_a_mask()
    {
        await VerifyCS.VerifyAnalyzerAsync(Hook("var f = Gfp.High | Gfp.NoCodetag; f &= ~Gfp.NoObjExt; a.AllocPage({|#0:f|});"),
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in allocation hook 'Record'", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Theory]
    [InlineData("a.AllocPage(Gfp.High | Gfp.NoCodetag);")]
    [InlineData("a.AllocPage((gfp & Gfp.NoWarn) | Gfp.High | Gfp.NoCodetag);")]
    [InlineData("a.AllocPages(c ? Gfp.NoCodetag : Gfp.NoCodetag | Gfp.High, 1);")]
    [InlineData("System.Action later = () => a.AllocPage(Gfp.High); later();")]
    public async Task No_diagnostic_when_NoCodetag_is_always_set_or_the_allocation_runs_outside_the_hook(string body)
    {
        await VerifyCS.VerifyAnalyzerAsync(Hook(body, ", Gfp gfp"));
    }

    [Fact]
    public async Task No_diagnostic_outside_allocation_hooks()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage(Gfp.High);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP005NoFailWithoutDirectReclaimAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP005: NoFail without DirectReclaim, anywhere.</summary>
public class GFP005NoFailWithoutDirectReclaimTests
{
    private static string Allocation(string flags, string parameters = "") => TestEnvironment.Usings + $$"""
        class C
        {
            void M(PageAllocator a, bool c{{parameters}}) => a.AllocPage({{flags}});
        }
        """;

    [Fact]
    public async Task Atomic_with_NoFail()
    {
        await VerifyCS.VerifyAnalyzerAsync(Allocation("{|#0:Gfp.Atomic | Gfp.NoFail|}"),
            VerifyCS.Diagnostic("GFP005").WithLocation(0).WithArguments("Gfp.NoFail", ""));
    }

    [Fact]
    public async Task NoFail_added_to_caller_flags_after_DirectReclaim_was_stripped()
    {
        await VerifyCS.VerifyAnalyzerAsync(Allocation("{|#0:(gfp & ~Gfp.DirectReclaim) | Gfp.NoFail|}", ", Gfp gfp"),
            VerifyCS.Diagnostic("GFP005").WithLocation(0).WithArguments("Gfp.NoFail", ""));
    }

    [Fact]
    public async Task NoFail_on_a_path_without_DirectReclaim()
    {
        await VerifyCS.VerifyAnalyzerAsync(Allocation("{|#0:c ? Gfp.Kernel | Gfp.NoFail : Gfp.Atomic | Gfp.NoFail|}"),
            VerifyCS.Diagnostic("GFP005").WithLocation(0).WithArguments("Gfp.NoFail", " on some paths"));
    }

    [Fact]
    public async Task NoFail_from_a_const_through_a_local()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                const Gfp MustSucceed = Gfp.NoFail | Gfp.NoWarn;

                void M(PageAllocator a)
                {
                    var flags = Gfp.NoWait;
                    flags |= MustSucceed;
                    a.AllocPages({|#0:flags|}, order: 1);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP005").WithLocation(0).WithArguments("const 'MustSucceed'", ""));
    }

    [Theory]
    [InlineData("Gfp.Kernel | Gfp.NoFail", "")]
    [InlineData("Gfp.NoFs | Gfp.NoFail", "")]
    [InlineData("gfp | Gfp.NoFail", ", Gfp gfp")]
    [InlineData("gfp & ~Gfp.DirectReclaim", ", Gfp gfp")]
    [InlineData("Gfp.Atomic", "")]
    public async Task No_diagnostic_when_DirectReclaim_is_set_or_may_come_from_the_caller(string flags, string parameters)
    {
        await VerifyCS.VerifyAnalyzerAsync(Allocation(flags, parameters));
    }

    private static string Body(string body) => TestEnvironment.Usings + $$"""
        class C
        {
            void M(PageAllocator a, bool c)
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public async Task NoFail_set_on_some_paths_only_says_so()
    {
        await VerifyCS.VerifyAnalyzerAsync(Body("var f = Gfp.Atomic; if (c) f |= Gfp.NoFail; a.AllocPage({|#0:f|});"),
            VerifyCS.Diagnostic("GFP005").WithLocation(0).WithArguments("Gfp.NoFail, on some paths", ""));
    }

    [Theory]
    [InlineData("Gfp f; if (c) f = Gfp.Kernel | Gfp.NoFail; else f = Gfp.Atomic; a.AllocPage(f);")]
    [InlineData("a.AllocPage(c ? Gfp.Kernel | Gfp.NoFail : Gfp.Atomic);")]
    public async Task NoFail_only_on_the_paths_that_reclaim_is_silent(string body)
    {
        await VerifyCS.VerifyAnalyzerAsync(Body(body));
    }
}

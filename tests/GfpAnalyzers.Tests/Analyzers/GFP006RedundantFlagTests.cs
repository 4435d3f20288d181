using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP006RedundantFlagAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP006: a flag already implied by the rest of the '|' expression.</summary>
public class GFP006RedundantFlagTests
{
    private static string Flags(string expression) => TestEnvironment.Usings + $$"""
        class C
        {
            Gfp M(Gfp gfp) => {{expression}};
        }
        """;

    [Theory]
    [InlineData("Gfp.NoWait | {|#0:Gfp.NoWarn|}", "Gfp.NoWarn", "Gfp.NoWait")]
    [InlineData("Gfp.Atomic | {|#0:Gfp.High|}", "Gfp.High", "Gfp.Atomic")]
    [InlineData("{|#0:Gfp.Io|} | Gfp.Kernel", "Gfp.Io", "Gfp.Kernel")]
    [InlineData("gfp | Gfp.NoWait | {|#0:Gfp.NoWarn|}", "Gfp.NoWarn", "Gfp.NoWait")]
    [InlineData("Gfp.High | {|#0:Gfp.High|}", "Gfp.High", "Gfp.High")]
    [InlineData("Gfp.DirectReclaim | Gfp.KswapdReclaim | {|#0:Gfp.Reclaim|}", "Gfp.Reclaim", "Gfp.DirectReclaim | Gfp.KswapdReclaim")]
    public async Task Redundant_operand_is_reported_with_what_includes_it(string expression, string redundant, string includedIn)
    {
        await VerifyCS.VerifyAnalyzerAsync(Flags(expression),
            VerifyCS.Diagnostic("GFP006").WithLocation(0).WithArguments(redundant, includedIn));
    }

    [Fact]
    public async Task Every_redundant_operand_of_a_chain_is_reported_once()
    {
        await VerifyCS.VerifyAnalyzerAsync(Flags("Gfp.Kernel | {|#0:Gfp.Io|} | {|#1:Gfp.Fs|}"),
            VerifyCS.Diagnostic("GFP006").WithLocation(0).WithArguments("Gfp.Io", "Gfp.Kernel"),
            VerifyCS.Diagnostic("GFP006").WithLocation(1).WithArguments("Gfp.Fs", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Compound_assignment_value_is_a_chain_too()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                Gfp M(Gfp gfp)
                {
                    gfp |= Gfp.Atomic | {|#0:Gfp.KswapdReclaim|};
                    return gfp;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP006").WithLocation(0).WithArguments("Gfp.KswapdReclaim", "Gfp.Atomic"));
    }

    [Theory]
    [InlineData("Gfp.High | Gfp.NoCodetag")]
    [InlineData("gfp | Gfp.NoWarn")]
    [InlineData("Gfp.Atomic | Gfp.NoWarn")]
    [InlineData("(gfp & Gfp.NoWait) | Gfp.NoWarn")]
    [InlineData("Gfp.None | Gfp.High")]
    [InlineData("Gfp.NoWait & Gfp.NoWarn")]
    public async Task No_diagnostic_when_every_operand_adds_bits(string expression)
    {
        await VerifyCS.VerifyAnalyzerAsync(Flags(expression));
    }
}

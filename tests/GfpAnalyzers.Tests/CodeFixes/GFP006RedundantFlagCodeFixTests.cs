using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP006RedundantFlagAnalyzer, GfpAnalyzers.CodeFixes.GFP006RedundantFlagCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP006 → "Remove the redundant flag".</summary>
public class GFP006RedundantFlagCodeFixTests
{
    private const string Key = GFP006RedundantFlagCodeFix.EquivalenceKey;

    [Fact]
    public async Task The_rejected_suggestion_loses_its_redundant_NoWarn()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a) => a.AllocPage(Gfp.NoWait | {|GFP006:Gfp.NoWarn|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a) => a.AllocPage(Gfp.NoWait);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Fix_all_removes_two_redundant_operands_of_one_expression_and_those_of_other_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                const Gfp Mine = Gfp.Kernel | {|GFP006:Gfp.Io|} | {|GFP006:Gfp.Fs|} | Gfp.Zero;

                void M(PageAllocator a) => a.AllocPage({|GFP006:Gfp.High|} /* reserves */ | Gfp.Atomic);
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                Gfp F() => Gfp.NoWait
                    | {|GFP006:Gfp.KswapdReclaim|}
                    | Gfp.Comp;
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                const Gfp Mine = Gfp.Kernel | Gfp.Zero;

                void M(PageAllocator a) => a.AllocPage(Gfp.Atomic);
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                Gfp F() => Gfp.NoWait
                    | Gfp.Comp;
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, Key);
    }
}

using GfpAnalyzers.Analyzers.Rules;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP004 reads flags written as a constant without solving the method's flag values: every form a constant takes
/// (an expression, a const field, a cast integer) decides by its own bits, and flags that are not constant, in the same
/// method, are still solved through the graph. A body none of whose flag values can have NoCodetag on every path
/// (ConstantSourceBits.MustBound) is not analyzed at all: these are the shapes where a value has it without a constant
/// NoCodetag source.
/// </summary>
public class GFP004ConstantFlagsTests
{
    private static string Program(string body) => GFP004Case.Prelude + """
        public static class Program
        {
            private const Gfp Scratch = Gfp.High | Gfp.NoCodetag;

            public static void Run(PageAllocator allocator, bool early)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    [Theory]
    [InlineData("allocator.AllocPage(Gfp.High | Gfp.NoCodetag)")]
    [InlineData("allocator.AllocPage(Scratch)")]
    [InlineData("allocator.AllocPage((Gfp)0x8000820 | Gfp.NoCodetag)")]
    [InlineData("allocator.AllocPage(Scratch & ~Gfp.NoWarn)")]
    public async Task A_constant_that_carries_NoCodetag_makes_an_obligation(string allocation)
    {
        var source = Program($$"""
                    var page = {{allocation}};
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 11", "FreePage", "on every path"));
    }

    [Theory]
    [InlineData("allocator.AllocPage(Gfp.High)")]
    [InlineData("allocator.AllocPage(Scratch & ~Gfp.NoCodetag)")]
    [InlineData("allocator.AllocPage((Gfp)0x820)")]
    public async Task A_constant_without_NoCodetag_makes_none(string allocation)
    {
        var source = Program($$"""
                    var page = {{allocation}};
                    if (page == null) return;
                    allocator.FreePage(page);
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Flags_that_are_not_constant_are_still_solved_beside_a_constant()
    {
        // The first allocation's flags are a constant without the bit; the second's come through a local that carries
        // NoCodetag on every path, which only the flag analysis of the graph shows.
        var source = Program("""
                    var tagged = allocator.AllocPage(Gfp.Kernel);
                    if (tagged != null) allocator.FreePage(tagged);
                    var flags = early ? Scratch : Scratch | Gfp.NoWarn;
                    var page = allocator.AllocPage(flags);
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 14", "FreePage", "on every path"));
    }

    [Fact]
    public async Task Flags_that_only_may_carry_NoCodetag_make_no_obligation()
    {
        var source = Program("""
                    var flags = early ? Scratch : Gfp.High;
                    var page = allocator.AllocPage(flags);
                    if (page == null) return;
                    allocator.FreePage(page);
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData("(gfp & Gfp.NoCodetag) != 0")]
    [InlineData("gfp.HasFlag(Gfp.NoCodetag)")]
    [InlineData("((uint)gfp & 0x8000000u) == 0x8000000u")]
    [InlineData("(uint)gfp == 0x8000000u")]
    public async Task Flags_tested_for_NoCodetag_make_an_obligation_where_the_test_holds(string test)
    {
        var source = GFP004Case.Prelude + $$"""
            public static class Program
            {
                public static void Run(PageAllocator allocator, Gfp gfp)
                {
                    if ({{test}})
                    {
                        var page = allocator.AllocPage(gfp);
                        if (page == null) return;
                        {|#0:allocator.FreePage(page)|};
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 11", "FreePage", "on every path"));
    }

    [Fact]
    public async Task Flags_chosen_at_run_time_among_constants_without_NoCodetag_make_none()
    {
        var source = Program("""
                    var gfp = early ? Gfp.Atomic : Gfp.Kernel | Gfp.Zero;
                    var page = allocator.AllocPage(gfp);
                    if (page == null) return;
                    allocator.FreePage(page);
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

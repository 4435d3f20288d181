using GfpAnalyzers.Analyzers.Rules;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP004 skips a method unless it has both a source of a NoCodetag page and a place a report can sit. Each program
/// here has only one of the less obvious sources or report sites, so a pre-check that missed it would lose the warning.
/// </summary>
public class GFP004RelevanceTests
{
    [Fact]
    public async Task A_constructor_that_frees_the_page_is_the_only_report_site()
    {
        var source = GFP004Case.Prelude + """
            sealed class Releaser
            {
                public Releaser(PageAllocator allocator, Page page) => allocator.FreePage(page);
            }

            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    _ = {|#0:new Releaser(allocator, page)|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 14", "'.ctor' (which frees it)", "on every path"));
    }

    [Fact]
    public async Task A_local_functions_annotated_parameter_is_the_only_source()
    {
        // Run allocates only with its tag and reads no annotated location: the NoCodetag page comes in through the
        // local function's [NoCodetagPages] parameter.
        var source = GFP004Case.Prelude + """
            public sealed class Pool { public Page? Spare; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, Pool pool)
                {
                    var scratch = allocator.AllocPage(Gfp.Kernel);
                    if (scratch != null) allocator.FreePage(scratch);
                    if (pool.Spare is { } spare) Drop(spare);

                    void Drop([NoCodetagPages] Page page) => {|#0:allocator.FreePage(page)|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "from [NoCodetagPages] parameter 'page'", "FreePage", "on every path"));
    }

    [Fact]
    public async Task A_lambdas_annotated_parameter_is_the_only_source()
    {
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static Action<Page> Dropper(PageAllocator allocator)
                    => ([NoCodetagPages] Page page) => {|#0:allocator.FreePage(page)|};
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "from [NoCodetagPages] parameter 'page'", "FreePage", "on every path"));
    }

    [Fact]
    public async Task An_extension_GetEnumerator_that_frees_the_page_is_the_only_report_site()
    {
        // The call of GetEnumerator exists only in the control-flow graph (the foreach is lowered there).
        var source = GFP004Case.Prelude + """
            static class PageBytes
            {
                public static PageAllocator? Allocator;

                public static System.Collections.Generic.IEnumerator<byte> GetEnumerator(this Page page)
                {
                    Allocator!.FreePage(page);
                    yield break;
                }
            }

            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    foreach (var b in {|#0:page|})
                    {
                        Console.WriteLine(b);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 20", "'GetEnumerator' (which frees it)", "on every path"));
    }

    [Fact]
    public async Task A_constant_without_NoCodetag_is_no_source_but_a_computed_one_is()
    {
        // The first free's page has its tag (a constant without NoCodetag); the second's flags are computed.
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool early)
                {
                    var tagged = allocator.AllocPage(Gfp.High);
                    if (tagged != null) allocator.FreePage(tagged);
                    var flags = Gfp.High;
                    flags |= Gfp.NoCodetag;
                    var page = allocator.AllocPage(flags);
                    if (page != null) {|#0:allocator.FreePage(page)|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 13", "FreePage", "on every path"));
    }

    [Fact]
    public async Task A_clear_right_before_the_free_of_another_variable_does_not_hide_it()
    {
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    var scratch = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null || scratch == null) return;
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                    allocator.ClearPageTagRef(page);
                    {|#0:allocator.FreePage(scratch)|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("scratch", "allocated with NoCodetag at line 10", "FreePage", "on every path"));
    }

    [Fact]
    public async Task A_clear_right_before_a_free_whose_receiver_assigns_the_page_does_not_hide_it()
    {
        // The receiver stores a new page in the variable the clear was given: the free frees that one.
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    allocator.ClearPageTagRef(page);
                    {|#0:((page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag)) == null ? allocator : allocator).FreePage(page!)|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(0)
                .WithArguments("page", "allocated with NoCodetag at line 12", "FreePage", "on every path"));
    }
}

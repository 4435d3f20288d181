using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP004 where the test programs cannot go: code that does not compile, lambdas in odd regions (callees in other
/// files and recursion: GFP004ThroughCallsTests, GFP004CrossMethodCases).
/// </summary>
public class GFP004BoundaryTests
{
    [Fact]
    public async Task Says_nothing_while_the_free_does_not_bind()
    {
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    allocator.FreePage({|CS0103:pgae|});
                    allocator.FreePage(page);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Says_nothing_while_the_flags_do_not_bind()
    {
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.{|CS0117:NoCodetg|});
                    if (page == null) return;
                    allocator.FreePage(page);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Lambdas_nested_in_a_using_are_analyzed_on_their_own_regions()
    {
        // The lambda graphs hang below the using's try region of the method: their regions must not be taken
        // for their own (this used to throw IndexOutOfRangeException, AD0001).
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator, IDisposable scope)
                {
                    using (scope)
                    {
                        Func<Page?> grow = () => allocator.AllocPage(Gfp.Kernel);
                        Action again = () => grow();
                        Action drop = () =>
                        {
                            var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                            if (page == null) return;
                            try { Console.WriteLine(page.Pfn); }
                            finally { [|allocator.FreePage(page)|]; }
                        };
                        Action both = () => { again(); drop(); };
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

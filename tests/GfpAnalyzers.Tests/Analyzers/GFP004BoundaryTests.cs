using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP004 where the test programs cannot go: code that does not compile, callees in other files, and recursion.
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
    public async Task Mutually_recursive_helpers_are_trusted()
    {
        var source = GFP004Case.Prelude + """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int depth)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Even(allocator, page, depth);
                }

                private static void Even(PageAllocator allocator, Page page, int depth)
                {
                    if (depth == 0) { allocator.ClearPageTagRef(page); allocator.FreePage(page); return; }
                    Odd(allocator, page, depth - 1);
                }

                private static void Odd(PageAllocator allocator, Page page, int depth) => Even(allocator, page, depth);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_helper_in_another_file_that_names_a_clear_is_trusted()
        => await VerifyTwoFilesAsync(
            """
            Helpers.Forget(allocator, page);
            allocator.FreePage(page);
            """,
            """
            public static void Forget(PageAllocator allocator, Page page) => allocator.ClearPageTagRef(page);
            """);

    [Fact]
    public async Task A_helper_in_another_file_that_only_looks_at_the_page_does_not_clear_it()
        => await VerifyTwoFilesAsync(
            """
            Helpers.Log(page);
            [|allocator.FreePage(page)|];
            """,
            """
            public static ulong Last;

            public static void Log(Page page)
            {
                ArgumentNullException.ThrowIfNull(page);
                Last = page.Pfn;
            }
            """);

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

    /// <summary>A NoCodetag page handed to <c>Helpers</c> (declared in a second file) by <paramref name="use"/>.</summary>
    private static async Task VerifyTwoFilesAsync(string use, string helpers)
    {
        var program = GFP004Case.Prelude + $$"""
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
            {{use}}
                }
            }
            """;
        var test = new VerifyCS.Test
        {
            TestState = { Sources = { program, GFP004Case.Prelude + "public static class Helpers\n{\n" + helpers + "\n}\n" } },
        };
        await test.RunAsync();
    }
}

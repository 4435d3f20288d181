using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Analyzers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer>;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// GFP004 through the summaries of the user's own methods, read semantically from any file of the compilation: depth,
/// other files, partial classes and methods, generic helpers, overloads, extension methods, and callees that cannot be
/// seen (virtual, interface: silent). The single-file programs of <see cref="GFP004CrossMethodCases"/> are also run
/// against the runtime.
/// </summary>
public class GFP004ThroughCallsTests
{
    private const string Allocates = """
            var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
            if (page == null) return;
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_helper_chain_that_frees_without_clearing_is_reported_at_the_outermost_call(int depth)
    {
        var source = Program($$"""
                {{Allocates}}
                    {|#0:L1(allocator, page)|};
                }

            {{Chain(depth, "allocator.FreePage(page)")}}
            """);
        await VerifyAsync([source], Frees(0, "page", Allocated(source), "'L1' (which frees it)", "on every path"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_helper_chain_that_clears_before_it_frees_is_clean(int depth)
    {
        var source = Program($$"""
                {{Allocates}}
                    L1(allocator, page);
                }

            {{Chain(depth, "{ allocator.ClearPageTagRef(page); allocator.FreePage(page); }")}}
            """);
        await VerifyAsync([source]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_page_returned_through_a_chain_from_another_file_carries_the_obligation(int depth)
    {
        var levels = Enumerable.Range(1, depth).Select(level => level == depth
            ? $"    public static Page? L{level}(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);"
            : $"    public static Page? L{level}(PageAllocator allocator) => L{level + 1}(allocator);");
        var program = Program("""
                    var page = Helpers.L1(allocator); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }
            """);
        var helpers = Helpers(string.Join("\n", levels));
        await VerifyAsync([program, helpers], Frees(0, "page", $"a NoCodetag page returned by 'L1' at line {LineOf(program, "/*A*/")}", "FreePage", "on every path"));
    }

    [Fact]
    public async Task A_helper_in_another_file_that_frees_without_clearing_is_reported_at_the_call()
    {
        var program = Program($$"""
                {{Allocates}}
                    {|#0:Helpers.Release(allocator, page)|};
                }
            """);
        var helpers = Helpers("""
                public static void Release(PageAllocator allocator, Page page)
                {
                    Console.WriteLine(page.Pfn);
                    allocator.FreePage(page);
                }
            """);
        await VerifyAsync([program, helpers], Frees(0, "page", Allocated(program), "'Release' (which frees it)", "on every path"));
    }

    [Fact]
    public async Task A_helper_in_another_file_that_clears_settles_the_page()
    {
        var program = Program($$"""
                {{Allocates}}
                    Helpers.Forget(allocator, page);
                    allocator.FreePage(page);
                }
            """);
        await VerifyAsync([program, Helpers("    public static void Forget(PageAllocator allocator, Page page) => allocator.ClearPageTagRef(page);")]);
    }

    [Fact]
    public async Task A_helper_in_another_file_that_only_looks_at_the_page_does_not_clear_it()
    {
        var program = Program($$"""
                {{Allocates}}
                    Helpers.Log(page);
                    {|#0:allocator.FreePage(page)|};
                }
            """);
        var helpers = Helpers("""
                public static ulong Last;

                public static void Log(Page page)
                {
                    ArgumentNullException.ThrowIfNull(page);
                    Last = page.Pfn;
                }
            """);
        await VerifyAsync([program, helpers], Frees(0, "page", Allocated(program), "FreePage", "on every path"));
    }

    [Fact]
    public async Task An_annotated_parameter_of_a_helper_in_another_file_is_reported_inside_the_helper_only()
    {
        var program = Program($$"""
                {{Allocates}}
                    Helpers.Discard(allocator, page);
                }
            """);
        var helpers = Helpers("""
                public static void Discard(PageAllocator allocator, [NoCodetagPages] Page page)
                {
                    {|#0:allocator.FreePage(page)|};
                }
            """);
        await VerifyAsync([program, helpers], Frees(0, "page", "from [NoCodetagPages] parameter 'page'", "FreePage", "on every path"));
    }

    [Fact]
    public async Task A_helper_in_the_other_part_of_a_partial_class_is_followed()
    {
        var first = GFP004Case.Prelude + $$"""
            public static partial class Program
            {
                public static void Run(PageAllocator allocator)
                {
                {{Allocates}}
                    {|#0:Release(allocator, page)|};
                    var spare = Make(allocator); /*B*/
                    if (spare == null) return;
                    {|#1:allocator.FreePage(spare)|};
                }
            }
            """;
        var second = GFP004Case.Prelude + """
            public static partial class Program
            {
                private static void Release(PageAllocator allocator, Page page) => allocator.FreePage(page);

                private static Page? Make(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            }
            """;
        await VerifyAsync(
            [first, second],
            Frees(0, "page", Allocated(first), "'Release' (which frees it)", "on every path"),
            Frees(1, "spare", $"a NoCodetag page returned by 'Make' at line {LineOf(first, "/*B*/")}", "FreePage", "on every path"));
    }

    [Theory]
    [InlineData("allocator.FreePage(page);", true)]
    [InlineData("allocator.ClearPageTagRef(page); allocator.FreePage(page);", false)]
    public async Task A_partial_method_is_read_from_its_implementation_in_another_file(string body, bool reported)
    {
        var first = GFP004Case.Prelude + $$"""
            public static partial class Program
            {
                private static partial void Release(PageAllocator allocator, Page page);

                public static void Run(PageAllocator allocator)
                {
                {{Allocates}}
                    {|#0:Release(allocator, page)|};
                }
            }
            """;
        var second = GFP004Case.Prelude + $$"""
            public static partial class Program
            {
                private static partial void Release(PageAllocator allocator, Page page) { {{body}} }
            }
            """;
        await VerifyAsync(
            [reported ? first : first.Replace("{|#0:", string.Empty).Replace("|};", ";"), second],
            reported ? [Frees(0, "page", Allocated(first), "'Release' (which frees it)", "on every path")] : []);
    }

    [Fact]
    public async Task Generic_helpers_are_followed_through_their_definition()
    {
        var source = Program($$"""
                {{Allocates}}
                    {|#0:Release(allocator, page, 42)|};
                    var spare = Make<string>(allocator); /*B*/
                    if (spare == null) return;
                    {|#1:allocator.FreePage(spare)|};
                }

                private static void Release<T>(PageAllocator allocator, Page page, T reason) => allocator.FreePage(page);

                private static Page? Make<T>(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            """);
        await VerifyAsync(
            [source],
            Frees(0, "page", Allocated(source), "'Release' (which frees it)", "on every path"),
            Frees(1, "spare", $"a NoCodetag page returned by 'Make' at line {LineOf(source, "/*B*/")}", "FreePage", "on every path"));
    }

    [Fact]
    public async Task Each_overload_is_judged_by_its_own_body()
    {
        var source = Program($$"""
                {{Allocates}}
                    var other = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*B*/
                    if (other == null) return;
                    Release(allocator, page, clearFirst: 1);
                    {|#0:Release(allocator, other)|};
                }

                private static void Release(PageAllocator allocator, Page page) => allocator.FreePage(page);

                private static void Release(PageAllocator allocator, Page page, int clearFirst)
                {
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            """);
        await VerifyAsync([source], Frees(0, "other", $"allocated with NoCodetag at line {LineOf(source, "/*B*/")}", "'Release' (which frees it)", "on every path"));
    }

    [Fact]
    public async Task An_extension_method_that_frees_without_clearing_is_reported_at_the_call()
    {
        var program = Program($$"""
                {{Allocates}}
                    {|#0:page.Drop(allocator)|};
                }
            """);
        var extensions = GFP004Case.Prelude + """
            public static class PageExtensions
            {
                public static void Drop(this Page page, PageAllocator allocator) => allocator.FreePage(page);
            }
            """;
        await VerifyAsync([program, extensions], Frees(0, "page", Allocated(program), "'Drop' (which frees it)", "on every path"));
    }

    [Fact]
    public async Task Virtual_and_interface_callees_are_unknown_and_silent()
    {
        var source = GFP004Case.Prelude + """
            public interface IReleaser
            {
                void Release(PageAllocator allocator, Page page);
                Page? Make(PageAllocator allocator);
            }

            public class Releaser : IReleaser
            {
                public virtual void Release(PageAllocator allocator, Page page) => allocator.FreePage(page);
                public virtual Page? Make(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            }

            public static class Program
            {
                public static void Run(PageAllocator allocator, Releaser releaser, IReleaser viaInterface)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    releaser.Release(allocator, page);
                    var other = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (other == null) return;
                    viaInterface.Release(allocator, other);
                    var made = releaser.Make(allocator);
                    if (made != null) allocator.FreePage(made);
                    var madeToo = viaInterface.Make(allocator);
                    if (madeToo != null) allocator.FreePage(madeToo);
                }
            }
            """;
        await VerifyAsync([source]);
    }

    [Fact]
    public async Task A_helper_that_returns_its_parameter_hands_back_a_page_of_unknown_origin()
    {
        var source = Program($$"""
                {{Allocates}}
                    allocator.ClearPageTagRef(page);
                    var same = Identity(page);
                    allocator.FreePage(same);
                }

                private static Page Identity(Page page) => page;
            """);
        await VerifyAsync([source]);
    }

    /// <summary>L1 → … → Ln, each passing (allocator, page) on; Ln does <paramref name="last"/>.</summary>
    private static string Chain(int depth, string last)
        => string.Join("\n", Enumerable.Range(1, depth).Select(level => level == depth
            ? $"    private static void L{level}(PageAllocator allocator, Page page) {(last.StartsWith('{') ? last : $"=> {last};")}"
            : $"    private static void L{level}(PageAllocator allocator, Page page) => L{level + 1}(allocator, page);"));

    /// <summary>A <c>Program</c> class whose <c>Run(PageAllocator allocator)</c> starts with <paramref name="members"/> (which closes Run).</summary>
    private static string Program(string members) => GFP004Case.Prelude + $$"""
        public static class Program
        {
            public static void Run(PageAllocator allocator)
            {
        {{members}}
        }
        """;

    private static string Helpers(string members) => GFP004Case.Prelude + "public static class Helpers\n{\n" + members + "\n}\n";

    private static string Allocated(string source) => $"allocated with NoCodetag at line {LineOf(source, "/*A*/")}";

    private static int LineOf(string source, string marker)
        => Array.FindIndex(source.Split('\n'), line => line.Contains(marker, StringComparison.Ordinal)) + 1;

    private static DiagnosticResult Frees(int location, string page, string origin, string freer, string path)
        => VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule).WithLocation(location).WithArguments(page, origin, freer, path);

    private static async Task VerifyAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test();
        foreach (var source in sources)
        {
            test.TestState.Sources.Add(source);
        }

        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}

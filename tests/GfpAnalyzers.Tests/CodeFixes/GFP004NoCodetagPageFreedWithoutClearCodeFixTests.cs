using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer, GfpAnalyzers.CodeFixes.GFP004NoCodetagPageFreedWithoutClearCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP004 → "Clear the page's codetag before freeing it".</summary>
public class GFP004NoCodetagPageFreedWithoutClearCodeFixTests
{
    private const string Key = GFP004NoCodetagPageFreedWithoutClearCodeFix.EquivalenceKey;

    [Fact]
    public async Task The_loser_of_the_race_clears_its_page_before_freeing_it()
    {
        const string source = TestEnvironment.Usings + """
            using System.Threading;

            sealed class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private Page? _head;

                void Grow()
                {
                    var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null)
                        return;
                    if (Interlocked.CompareExchange(ref _head, page, null) != null)
                        {|GFP004:_allocator.FreePage(page)|}; // lost the race
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            using System.Threading;

            sealed class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private Page? _head;

                void Grow()
                {
                    var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null)
                        return;
                    if (Interlocked.CompareExchange(ref _head, page, null) != null)
                    {
                        _allocator.ClearPageTagRef(page);
                        _allocator.FreePage(page); // lost the race
                    }
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Fix_all_clears_before_every_reported_free_in_a_method_and_across_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, int mode)
                {
                    var p = a.AllocPages(Gfp.High | Gfp.NoCodetag, 1);
                    var q = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (p is null || q is null)
                        return;
                    switch (mode)
                    {
                        case 0:
                            {|GFP004:a.FreePages(p, 1)|};
                            {|GFP004:a.FreePage(q)|};
                            break;
                        default:
                            a.ClearPageTagRef(p);
                            a.FreePages(p, 1);
                            {|GFP004:a.FreePage(q)|};
                            break;
                    }
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                private readonly PageAllocator _allocator = new();

                void Release([NoCodetagPages] Page page) => {|GFP004:_allocator.FreePage(page)|};
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, int mode)
                {
                    var p = a.AllocPages(Gfp.High | Gfp.NoCodetag, 1);
                    var q = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (p is null || q is null)
                        return;
                    switch (mode)
                    {
                        case 0:
                            a.ClearPageTagRef(p);
                            a.FreePages(p, 1);
                            a.ClearPageTagRef(q);
                            a.FreePage(q);
                            break;
                        default:
                            a.ClearPageTagRef(p);
                            a.FreePages(p, 1);
                            a.ClearPageTagRef(q);
                            a.FreePage(q);
                            break;
                    }
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                private readonly PageAllocator _allocator = new();

                void Release([NoCodetagPages] Page page)
                {
                    _allocator.ClearPageTagRef(page);
                    _allocator.FreePage(page);
                }
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, Key);
    }
}

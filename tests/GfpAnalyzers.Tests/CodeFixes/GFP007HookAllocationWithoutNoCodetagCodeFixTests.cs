using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.CodeFixes.SharedFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP007HookAllocationWithoutNoCodetagAnalyzer, GfpAnalyzers.CodeFixes.GFP007HookAllocationWithoutNoCodetagCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP007 → "Add Gfp.NoCodetag" or "Use Gfp.High | Gfp.NoCodetag", with clears before the page's frees.</summary>
public class GFP007HookAllocationWithoutNoCodetagCodeFixTests
{
    private const string AddKey = GFP007HookAllocationWithoutNoCodetagCodeFix.AddNoCodetagKey;
    private const string ConstantKey = UseHighNoCodetagFix.EquivalenceKey;

    private const string Hook = TestEnvironment.Usings + """
        using System.Threading;

        sealed class Tracker
        {
            private readonly PageAllocator _allocator = new();
            private Page? _head;

            [AllocationHook]
            void Record(ulong pfn)
            {
                var page = _allocator.AllocPage({|GFP007:Gfp.High|});
                if (page == null)
                    return;
                if (Interlocked.CompareExchange(ref _head, page, null) != null)
                {
                    // Lost the race: give the page back.
                    _allocator.FreePage(page);
                }
            }
        }
        """;

    private const string HookFixed = TestEnvironment.Usings + """
        using System.Threading;

        sealed class Tracker
        {
            private readonly PageAllocator _allocator = new();
            private Page? _head;

            [AllocationHook]
            void Record(ulong pfn)
            {
                var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (page == null)
                    return;
                if (Interlocked.CompareExchange(ref _head, page, null) != null)
                {
                    _allocator.ClearPageTagRef(page);
                    // Lost the race: give the page back.
                    _allocator.FreePage(page);
                }
            }
        }
        """;

    [Fact]
    public async Task Add_NoCodetag_and_clear_the_page_before_the_lost_race_free()
        => await Fix.VerifyAsync(Hook, HookFixed, AddKey);

    [Fact]
    public async Task The_constant_gives_the_same_result_here()
        => await Fix.VerifyAsync(Hook, HookFixed, ConstantKey);

    [Fact]
    public async Task Fix_all_adds_NoCodetag_to_every_hook_allocation_across_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                [AllocationHook]
                void Record(PageAllocator a)
                {
                    var p = a.AllocPage({|GFP007:Gfp.High|});
                    var q = a.AllocPage({|GFP007:Gfp.High | Gfp.Zero|});
                    if (p is not null) a.FreePage(p);
                    if (q is not null) a.FreePage(q);
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                [AllocationHook]
                Page? Record(PageAllocator a) => a.AllocPages({|GFP007:Gfp.None|}, 0);
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                [AllocationHook]
                void Record(PageAllocator a)
                {
                    var p = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    var q = a.AllocPage(Gfp.High | Gfp.Zero | Gfp.NoCodetag);
                    if (p is not null)
                    {
                        a.ClearPageTagRef(p);
                        a.FreePage(p);
                    }
                    if (q is not null)
                    {
                        a.ClearPageTagRef(q);
                        a.FreePage(q);
                    }
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                [AllocationHook]
                Page? Record(PageAllocator a) => a.AllocPages(Gfp.None | Gfp.NoCodetag, 0);
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, AddKey);
    }
}

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

    /// <summary>
    /// The page freed through aliases made by patterns, copies and deconstruction (issue 11: a clear only before frees
    /// of the page's own local left a new GFP004 on <c>p is { } q ... FreePage(q)</c>): every such free gets its clear.
    /// </summary>
    [Theory]
    [InlineData(ConstantKey)]
    [InlineData(AddKey)]
    public async Task Frees_of_aliases_made_by_patterns_get_a_clear_too(string key)
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _a = new();

                [AllocationHook]
                void Recursive(ulong pfn)
                {
                    var page = _a.AllocPage({|GFP007:Gfp.High|});
                    if (page is { } q)
                        _a.FreePage(q);
                }

                [AllocationHook]
                void Typed(ulong pfn)
                {
                    object page = _a.AllocPage({|GFP007:Gfp.High|})!;
                    if (page is Page q) _a.FreePage(q);
                }

                [AllocationHook]
                void Switched(ulong pfn)
                {
                    var page = _a.AllocPage({|GFP007:Gfp.High|});
                    switch (page)
                    {
                        case Page q:
                            _a.FreePage(q);
                            break;
                    }
                }

                [AllocationHook]
                void Chosen(ulong pfn)
                {
                    var page = _a.AllocPage({|GFP007:Gfp.High|});
                    var x = page switch { { } q => q, _ => null };
                    var y = x;
                    _a.FreePage(y);
                }

                [AllocationHook]
                void Deconstructed(ulong pfn)
                {
                    var page = _a.AllocPage({|GFP007:Gfp.High|});
                    var (q, order) = (page, 0);
                    _a.FreePages(q, order);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _a = new();

                [AllocationHook]
                void Recursive(ulong pfn)
                {
                    var page = _a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page is { } q)
                    {
                        _a.ClearPageTagRef(q);
                        _a.FreePage(q);
                    }
                }

                [AllocationHook]
                void Typed(ulong pfn)
                {
                    object page = _a.AllocPage(Gfp.High | Gfp.NoCodetag)!;
                    if (page is Page q)
                    {
                        _a.ClearPageTagRef(q);
                        _a.FreePage(q);
                    }
                }

                [AllocationHook]
                void Switched(ulong pfn)
                {
                    var page = _a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    switch (page)
                    {
                        case Page q:
                            _a.ClearPageTagRef(q);
                            _a.FreePage(q);
                            break;
                    }
                }

                [AllocationHook]
                void Chosen(ulong pfn)
                {
                    var page = _a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    var x = page switch { { } q => q, _ => null };
                    var y = x;
                    _a.ClearPageTagRef(y);
                    _a.FreePage(y);
                }

                [AllocationHook]
                void Deconstructed(ulong pfn)
                {
                    var page = _a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    var (q, order) = (page, 0);
                    _a.ClearPageTagRef(q);
                    _a.FreePages(q, order);
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, key);
    }

    [Fact]
    public async Task A_value_chosen_between_the_page_and_another_is_no_alias()
    {
        // `x` may be the spare page, which keeps its tag: clearing it would lose the spare's accounting.
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _a = new();
                private Page? _spare;

                [AllocationHook]
                void Record(bool fresh)
                {
                    var page = _a.AllocPage({|GFP007:Gfp.High|});
                    var spare = _spare;
                    var x = fresh ? page : spare;
                    if (x is not null) _a.FreePage(x);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _a = new();
                private Page? _spare;

                [AllocationHook]
                void Record(bool fresh)
                {
                    var page = _a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    var spare = _spare;
                    var x = fresh ? page : spare;
                    if (x is not null) _a.FreePage(x);
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, ConstantKey);
    }
}

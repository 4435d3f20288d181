using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.CodeFixes.SharedFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer, GfpAnalyzers.CodeFixes.GFP001SleepingAllocationInAtomicContextCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP001 → "Use Gfp.High | Gfp.NoCodetag", with a clear before each free of the page.</summary>
public class GFP001SleepingAllocationInAtomicContextCodeFixTests
{
    private const string Key = UseHighNoCodetagFix.EquivalenceKey;

    [Fact]
    public async Task Kernel_in_an_RCU_section_becomes_the_v6_constant_and_every_free_of_the_page_gets_a_clear()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                void Refill(bool busy)
                {
                    using (_rcu.ReadLock())
                    {
                        // The page backs a new pool node.
                        var page = _allocator.AllocPage({|GFP001:Gfp.Kernel|} /* was GFP_KERNEL */);
                        if (page is null)
                            return;
                        if (busy)
                            _allocator.FreePage(page);
                        else
                        {
                            _allocator.FreePages(page, 0);
                        }
                    }
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                void Refill(bool busy)
                {
                    using (_rcu.ReadLock())
                    {
                        // The page backs a new pool node.
                        var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag /* was GFP_KERNEL */);
                        if (page is null)
                            return;
                        if (busy)
                        {
                            _allocator.ClearPageTagRef(page);
                            _allocator.FreePage(page);
                        }
                        else
                        {
                            _allocator.ClearPageTagRef(page);
                            _allocator.FreePages(page, 0);
                        }
                    }
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Fix_all_fixes_every_allocation_in_a_method_and_across_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    var p = a.AllocPage({|GFP001:Gfp.Kernel|});
                    var q = a.AllocPages({|GFP001:Gfp.NoIo | Gfp.Zero|}, 1);
                    if (p is not null) a.FreePage(p);
                    if (q is not null) a.FreePages(q, 1);
                    rcu.ReadUnlock();
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage({|GFP001:Gfp.User|});
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    var p = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    var q = a.AllocPages(Gfp.High | Gfp.NoCodetag, 1);
                    if (p is not null)
                    {
                        a.ClearPageTagRef(p);
                        a.FreePage(p);
                    }
                    if (q is not null)
                    {
                        a.ClearPageTagRef(q);
                        a.FreePages(q, 1);
                    }
                    rcu.ReadUnlock();
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage(Gfp.High | Gfp.NoCodetag);
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, Key);
    }

    [Fact]
    public async Task Keeps_the_files_using_static_spelling()
    {
        const string source = "using static GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a) => a.AllocPage({|GFP001:DirectReclaim|});
            }
            """;
        const string fixedSource = "using static GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a) => a.AllocPage(High | NoCodetag);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Qualifies_fully_where_the_file_has_no_using_for_the_runtime()
    {
        const string source = """
            class C
            {
                [GfpAnalyzers.Runtime.RcuReadLockHeld]
                void M(GfpAnalyzers.Runtime.PageAllocator a) => a.AllocPage({|GFP001:GfpAnalyzers.Runtime.Gfp.Kernel|});
            }
            """;
        const string fixedSource = """
            class C
            {
                [GfpAnalyzers.Runtime.RcuReadLockHeld]
                void M(GfpAnalyzers.Runtime.PageAllocator a) => a.AllocPage(GfpAnalyzers.Runtime.Gfp.High | GfpAnalyzers.Runtime.Gfp.NoCodetag);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Keeps_the_files_alias_for_Gfp()
    {
        const string source = "using G = GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP001:G.Kernel|});
            }
            """;
        const string fixedSource = "using G = GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage(G.High | G.NoCodetag);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Not_offered_where_a_free_of_the_page_cannot_get_a_clear()
    {
        // Copying `Allocator()` into a clear would call it twice; without the clear the fix would trade GFP001 for GFP004.
        const string source = TestEnvironment.Usings + """
            class C
            {
                PageAllocator Allocator() => new();

                [RcuReadLockHeld]
                void M(PageAllocator a)
                {
                    var page = a.AllocPage({|GFP001:Gfp.Kernel|});
                    if (page is not null)
                        Allocator().FreePage(page);
                }
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }
}

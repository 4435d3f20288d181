using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.CodeFixes.SharedFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer, GfpAnalyzers.CodeFixes.GFP003InheritedFlagsInAtomicContextCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP003 → "Clear the bits the caller may pass" or "Use Gfp.High | Gfp.NoCodetag".</summary>
public class GFP003InheritedFlagsInAtomicContextCodeFixTests
{
    private const string ClearKey = GFP003InheritedFlagsInAtomicContextCodeFix.ClearCallerBitsKey;
    private const string ConstantKey = UseContextFlagsFix.EquivalenceKey;

    [Fact]
    public async Task V5_mask_is_widened_to_exactly_the_named_bits_and_High_is_added()
    {
        // v5 stripped DirectReclaim and the zone bits; the diagnostic names KswapdReclaim, NoFail and ThisNode.
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                [RcuReadLockHeld]
                Page? Refill(PageAllocator a, Gfp gfp) => a.AllocPage({|GFP003:gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                [RcuReadLockHeld]
                Page? Refill(PageAllocator a, Gfp gfp) => a.AllocPage((gfp & ~(Gfp.Reclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)) | Gfp.High);
            }
            """;
        await Fix.VerifyAsync(new[] { source }, new[] { fixedSource }, ClearKey, EditorConfig.Gfp002Scope("all"));
    }

    [Fact]
    public async Task V3_in_an_allocation_hook_also_gets_NoCodetag_and_the_clear_before_the_lost_race_free()
    {
        const string source = TestEnvironment.Usings + """
            using System.Threading;

            sealed class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private Page? _head;

                [AllocationHook]
                void Record(ulong pfn, Gfp gfp)
                {
                    var page = _allocator.AllocPage({|GFP003:gfp & ~Gfp.DirectReclaim|});
                    if (page is null)
                        return;
                    if (Interlocked.CompareExchange(ref _head, page, null) != null)
                        _allocator.FreePage(page);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            using System.Threading;

            sealed class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private Page? _head;

                [AllocationHook]
                void Record(ulong pfn, Gfp gfp)
                {
                    var page = _allocator.AllocPage((gfp & ~(Gfp.Reclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)) | Gfp.High | Gfp.NoCodetag);
                    if (page is null)
                        return;
                    if (Interlocked.CompareExchange(ref _head, page, null) != null)
                    {
                        _allocator.ClearPageTagRef(page);
                        _allocator.FreePage(page);
                    }
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, ClearKey);
    }

    [Fact]
    public async Task In_a_lambda_installed_with_SetEarlyAllocHook_NoCodetag_is_added_as_in_an_AllocationHook_method()
    {
        // Hooks are hooks however they are declared: without NoCodetag the fixed lambda would still re-enter itself (GFP007).
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();

                public void Start() => _allocator.SetEarlyAllocHook((pfn, gfp) => _allocator.AllocPage({|GFP003:gfp & ~Gfp.DirectReclaim|}));
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();

                public void Start() => _allocator.SetEarlyAllocHook((pfn, gfp) => _allocator.AllocPage((gfp & ~(Gfp.Reclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)) | Gfp.High | Gfp.NoCodetag));
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, ClearKey);
    }

    [Fact]
    public async Task Harmless_constant_operands_stay_outside_the_mask()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                Gfp _gfp;

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP003:_gfp | Gfp.Zero|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                Gfp _gfp;

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage((_gfp & ~(Gfp.Reclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)) | Gfp.Zero | Gfp.High);
            }
            """;
        await Fix.VerifyAsync(new[] { source }, new[] { fixedSource }, ClearKey, EditorConfig.Gfp002Scope("all"));
    }

    [Fact]
    public async Task Constant_fix_replaces_inherited_flags_in_every_file()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                [RcuReadLockHeld]
                void M(PageAllocator a, Gfp gfp)
                {
                    a.AllocPage({|GFP003:gfp|});
                    a.AllocPage({|GFP003:gfp & ~Gfp.DirectReclaim|});
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                public Gfp Flags { get; set; }

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP003:Flags|});
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                [RcuReadLockHeld]
                void M(PageAllocator a, Gfp gfp)
                {
                    a.AllocPage(Gfp.High);
                    a.AllocPage(Gfp.High);
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                public Gfp Flags { get; set; }

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage(Gfp.High);
            }
            """;
        // Outside hooks the context's flags carry no NoCodetag; with every kswapd wake-up reported, that is Gfp.High.
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, ConstantKey, EditorConfig.Gfp002Scope("all"));
    }

    [Fact]
    public async Task Constant_fix_is_not_offered_where_it_would_drop_a_call()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                int _calls;
                Gfp NextFlags() { _calls++; return Gfp.Kernel; }

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP003:NextFlags()|});
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, ConstantKey);
    }

    [Fact]
    public async Task Masking_keeps_the_call()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                int _calls;
                Gfp NextFlags() { _calls++; return Gfp.Kernel; }

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP003:NextFlags()|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                int _calls;
                Gfp NextFlags() { _calls++; return Gfp.Kernel; }

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage((NextFlags() & ~(Gfp.Reclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)) | Gfp.High);
            }
            """;
        await Fix.VerifyAsync(new[] { source }, new[] { fixedSource }, ClearKey, EditorConfig.Gfp002Scope("all"));
    }
}

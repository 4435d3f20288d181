using GfpAnalyzers.CodeFixes.SharedFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer, GfpAnalyzers.CodeFixes.GFP002KswapdWakeupInAtomicContextCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// GFP002 → the context's flags without the kswapd wake-up: Gfp.High outside allocation hooks (with the harmless bits
/// the flags carried), the v6 constant Gfp.High | Gfp.NoCodetag in hooks, where the rejected review suggestion was made.
/// </summary>
public class GFP002KswapdWakeupInAtomicContextCodeFixTests
{
    private const string Key = UseContextFlagsFix.EquivalenceKey;

    private static readonly EditorConfig EveryWakeupReported = EditorConfig.Gfp002Scope("all");

    [Fact]
    public async Task NoWait_in_a_section_becomes_High_and_keeps_NoWarn()
    {
        const string source = TestEnvironment.Usings + """
            sealed class Pool
            {
                private readonly PageAllocator _allocator;
                private readonly Rcu _rcu;
                private Page? _spare;

                Pool(PageAllocator allocator, Rcu rcu) { _allocator = allocator; _rcu = rcu; }

                void Grow(bool lost)
                {
                    _rcu.ReadLock();
                    _spare = _allocator.AllocPage({|GFP002:Gfp.NoWait|});
                    if (lost && _spare is not null)
                    {
                        _allocator.FreePage(_spare);
                        _spare = null;
                    }
                    _rcu.ReadUnlock();
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            sealed class Pool
            {
                private readonly PageAllocator _allocator;
                private readonly Rcu _rcu;
                private Page? _spare;

                Pool(PageAllocator allocator, Rcu rcu) { _allocator = allocator; _rcu = rcu; }

                void Grow(bool lost)
                {
                    _rcu.ReadLock();
                    _spare = _allocator.AllocPage(Gfp.High | Gfp.NoWarn);
                    if (lost && _spare is not null)
                    {
                        _allocator.FreePage(_spare);
                        _spare = null;
                    }
                    _rcu.ReadUnlock();
                }
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, EveryWakeupReported);
    }

    [Fact]
    public async Task Fix_all_across_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                [RcuReadLockHeld]
                void M(PageAllocator a)
                {
                    a.AllocPage({|GFP002:Gfp.Atomic|});
                    a.AllocPage({|GFP002:Gfp.NoWait | Gfp.Zero|});
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using var guard = rcu.ReadLock();
                    a.AllocPages({|GFP002:Gfp.KswapdReclaim|}, order: 2);
                }
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                [RcuReadLockHeld]
                void M(PageAllocator a)
                {
                    a.AllocPage(Gfp.High);
                    a.AllocPage(Gfp.High | Gfp.NoWarn | Gfp.Zero);
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using var guard = rcu.ReadLock();
                    a.AllocPages(Gfp.High, order: 2);
                }
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, Key, EveryWakeupReported);
    }

    [Fact]
    public async Task In_an_allocation_hook_the_rejected_suggestion_becomes_the_v6_constant_with_clears()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                [AllocationHook]
                void Record(PageAllocator a, bool lost)
                {
                    var page = a.AllocPage({|GFP002:Gfp.NoWait|});
                    if (lost && page is not null)
                        a.FreePage(page);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                [AllocationHook]
                void Record(PageAllocator a, bool lost)
                {
                    var page = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (lost && page is not null)
                    {
                        a.ClearPageTagRef(page);
                        a.FreePage(page);
                    }
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }
}

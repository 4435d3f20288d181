using GfpAnalyzers.CodeFixes.SharedFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer, GfpAnalyzers.CodeFixes.GFP002KswapdWakeupInAtomicContextCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP002 → "Use Gfp.High | Gfp.NoCodetag": the rejected review suggestion becomes the v6 constant.</summary>
public class GFP002KswapdWakeupInAtomicContextCodeFixTests
{
    private const string Key = UseHighNoCodetagFix.EquivalenceKey;

    [Fact]
    public async Task NoWait_in_a_section_becomes_the_v6_constant_with_clears_on_every_free()
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
                    _spare = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (lost && _spare is not null)
                    {
                        _allocator.ClearPageTagRef(_spare);
                        _allocator.FreePage(_spare);
                        _spare = null;
                    }
                    _rcu.ReadUnlock();
                }
            }
            """;
        // Under rcu_read_lock() kswapd wake-ups are GFP002's only with scope = all (the strict preset).
        await Fix.VerifyAsync(new[] { source }, new[] { fixedSource }, Key, Gfp002Scope.AllConfig);
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
                    a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    a.AllocPage(Gfp.High | Gfp.NoCodetag);
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using var guard = rcu.ReadLock();
                    a.AllocPages(Gfp.High | Gfp.NoCodetag, order: 2);
                }
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, Key, Gfp002Scope.AllConfig);
    }
}

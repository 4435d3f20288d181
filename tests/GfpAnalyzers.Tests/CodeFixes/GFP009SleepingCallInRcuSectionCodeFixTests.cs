using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer, GfpAnalyzers.CodeFixes.GFP009SleepingCallInRcuSectionCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// GFP009 → "Pass the context's non-sleeping flags" where the callee sleeps only because of the flags the call
/// passes; no fix where the call sleeps whatever it passes, or in an allocation hook.
/// </summary>
public class GFP009SleepingCallInRcuSectionCodeFixTests
{
    private const string Key = GFP009SleepingCallInRcuSectionCodeFix.PassContextFlagsKey;

    private static readonly EditorConfig AtomicAllowed = EditorConfig.Gfp002Scope("allocation_hooks");

    private static readonly EditorConfig EveryWakeupReported = EditorConfig.Gfp002Scope("all");

    private const string Grower = """
            class Pool
            {
                private readonly PageAllocator _allocator = new();

                public Page? Grow(int order, Gfp gfp) => _allocator.AllocPages(gfp | Gfp.NoWarn, order);

                public Page? GrowGuarded(Gfp gfp) => gfp.AllowsBlocking() ? _allocator.AllocPage(Gfp.Kernel) : _allocator.AllocPage(Gfp.Atomic);
            }

            """;

    [Fact]
    public async Task Sleeping_flags_passed_in_an_RCU_section_become_Atomic()
    {
        const string source = TestEnvironment.Usings + Grower + """
            class Driver
            {
                void Refill(Pool pool, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        {|GFP009:pool.Grow(0, Gfp.Kernel | Gfp.Zero)|};
                        {|GFP009:pool.GrowGuarded(Gfp.NoIo)|};
                    }
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + Grower + """
            class Driver
            {
                void Refill(Pool pool, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        pool.Grow(0, Gfp.Atomic | Gfp.Zero);
                        pool.GrowGuarded(Gfp.Atomic);
                    }
                }
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task Where_GFP002_reports_every_wakeup_it_passes_High()
    {
        const string source = TestEnvironment.Usings + Grower + """
            class Driver
            {
                [RcuReadLockHeld]
                Page? Refill(Pool pool) => {|GFP009:pool.Grow(order: 1, gfp: Gfp.Kernel)|};
            }
            """;
        const string fixedSource = TestEnvironment.Usings + Grower + """
            class Driver
            {
                [RcuReadLockHeld]
                Page? Refill(Pool pool) => pool.Grow(order: 1, gfp: Gfp.High);
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, EveryWakeupReported);
    }

    [Theory]
    [InlineData("using (_lock.Lock()) { CALL; }", "Gfp.Atomic")]
    [InlineData("var flags = _lock.LockIrqSave(); CALL; _lock.UnlockIrqRestore(flags);", "Gfp.Atomic")]
    [InlineData("Scheduler.LockRunqueue(); CALL; Scheduler.UnlockRunqueue();", "Gfp.High")]
    public async Task Under_a_spinlock_it_passes_Atomic_and_under_the_runqueue_lock_High(string body, string expected)
    {
        const string template = TestEnvironment.Usings + Grower + """
            class Driver
            {
                private readonly KSpinLock _lock = new();

                void Refill(Pool pool)
                {
                    BODY
                }
            }
            """;
        var source = template.Replace("BODY", body.Replace("CALL", "{|GFP009:pool.Grow(0, Gfp.Kernel)|}", StringComparison.Ordinal), StringComparison.Ordinal);
        var fixedSource = template.Replace("BODY", body.Replace("CALL", $"pool.Grow(0, {expected})", StringComparison.Ordinal), StringComparison.Ordinal);
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Every_sleeping_argument_of_the_call_is_replaced()
    {
        const string source = TestEnvironment.Usings + """
            class Pool
            {
                private readonly PageAllocator _allocator = new();

                public void GrowBoth(Gfp data, Gfp meta)
                {
                    _allocator.AllocPage(data);
                    _allocator.AllocPage(meta);
                }
            }

            class Driver
            {
                void Refill(Pool pool, Rcu rcu)
                {
                    rcu.ReadLock();
                    {|GFP009:pool.GrowBoth(Gfp.Kernel, Gfp.NoFs)|};
                    rcu.ReadUnlock();
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Pool
            {
                private readonly PageAllocator _allocator = new();

                public void GrowBoth(Gfp data, Gfp meta)
                {
                    _allocator.AllocPage(data);
                    _allocator.AllocPage(meta);
                }
            }

            class Driver
            {
                void Refill(Pool pool, Rcu rcu)
                {
                    rcu.ReadLock();
                    pool.GrowBoth(Gfp.Atomic, Gfp.Atomic);
                    rcu.ReadUnlock();
                }
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task Not_offered_for_Synchronize()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        {|GFP009:rcu.Synchronize()|};
                    }
                }
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }

    [Fact]
    public async Task Not_offered_for_a_MightSleep_call_even_when_it_takes_flags()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                [MightSleep]
                static void Wait(Gfp gfp) { }

                [RcuReadLockHeld]
                void M() => {|GFP009:Wait(Gfp.Kernel)|};
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }

    [Fact]
    public async Task Not_offered_where_the_callee_sleeps_whatever_the_call_passes()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                private readonly PageAllocator _allocator = new();

                Page? Grow(Gfp gfp)
                {
                    _allocator.AllocPage(gfp);
                    return _allocator.AllocPage(Gfp.Kernel);
                }

                [RcuReadLockHeld]
                Page? M() => {|GFP009:Grow(Gfp.Kernel)|};
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }

    [Fact]
    public async Task Not_offered_in_an_allocation_hook()
    {
        // The callee's allocation would need NoCodetag to stay out of the hook, and clears this fix cannot place.
        const string source = TestEnvironment.Usings + Grower + """
            class Tracker
            {
                [AllocationHook]
                void Record(Pool pool) => {|GFP009:pool.Grow(0, Gfp.Kernel)|};
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }

    [Fact]
    public async Task Not_offered_where_it_would_drop_a_call()
    {
        const string source = TestEnvironment.Usings + Grower + """
            class Driver
            {
                static Gfp Log(Gfp gfp) { System.Console.WriteLine(gfp); return gfp; }

                [RcuReadLockHeld]
                Page? Refill(Pool pool) => {|GFP009:pool.Grow(0, Gfp.Kernel | Log(Gfp.Zero))|};
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }

    [Theory]
    [InlineData("allocation_hooks", "Pass Gfp.Atomic")]
    [InlineData("all", "Pass Gfp.High")]
    public async Task The_light_bulb_names_the_flags_it_passes(string scope, string title)
    {
        var source = TestEnvironment.Usings + Grower + """
            class Driver
            {
                [RcuReadLockHeld]
                Page? Refill(Pool pool) => {|GFP009:pool.Grow(0, Gfp.Kernel)|};
            }
            """;
        var test = Fix.NewTest();
        test.TestCode = source;
        test.FixedCode = source.Replace("{|GFP009:pool.Grow(0, Gfp.Kernel)|}", $"pool.Grow(0, {title["Pass ".Length..]})", StringComparison.Ordinal);
        test.CodeActionEquivalenceKey = Key;
        test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        EditorConfig.Gfp002Scope(scope).AddTo(test.TestState);
        await test.RunAsync(CancellationToken.None);
    }
}

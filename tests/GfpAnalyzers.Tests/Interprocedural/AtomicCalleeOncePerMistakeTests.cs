using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// Once per mistake: a callee that is atomic itself (it takes the lock, or is marked [LockHeld] / [RunsInAtomicContext])
/// has its mistake reported inside it; a caller that calls it under a lock is not told again. A callee that is not
/// atomic by itself is reported at the caller's call, as before. Line 1 is the usings line.
/// </summary>
public class AtomicCalleeOncePerMistakeTests
{
    private static string Code(string members) => TestEnvironment.Usings + """
        class C
        {
            private readonly KSpinLock _lock = new();
            private readonly KSpinLock _outer = new();
            private readonly Rcu _rcu = new();
            private readonly PageAllocator _a = new();

        """ + members + "\n}\n";

    private static DiagnosticResult Error(string id, int location) => new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location);

    private static DiagnosticResult Warning(string id, int location) => new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location);

    [Fact]
    public async Task A_callee_that_allocates_under_its_own_lock_is_reported_inside_not_at_the_locked_caller()
    {
        var source = Code("""
                void Refill() { _lock.Lock(); _a.AllocPage({|#0:Gfp.Kernel|}); _lock.Unlock(); }

                void Caller()
                {
                    _outer.Lock();
                    Refill();
                    _outer.Unlock();
                }
            """);
        await AtomicRulesTest.VerifyAsync(source, Error("GFP001", 0));
    }

    [Fact]
    public async Task A_callee_that_sleeps_only_outside_its_lock_is_still_reported_at_the_locked_caller()
    {
        // The other side: Refill's allocation is not in any section of Refill, so the caller's lock is what makes it a bug.
        var source = Code("""
                void Refill() { _lock.Lock(); _lock.Unlock(); _a.AllocPage(Gfp.Kernel); }

                void Caller()
                {
                    _outer.Lock();
                    {|#0:Refill()|};
                    _outer.Unlock();
                }
            """);
        await AtomicRulesTest.VerifyAsync(source,
            Error("GFP009", 0).WithArguments("Call to 'Refill'", "inside the spin_lock section of '_outer' entered at line 12", "'Refill' allocates with Gfp.Kernel at line 8"));
    }

    [Fact]
    public async Task A_LockHeld_callee_reports_its_own_sleep_and_its_locked_caller_does_not()
    {
        var source = Code("""
                [LockHeld(nameof(_lock))]
                void Flush() { {|#0:_rcu.Synchronize()|}; }

                void Wait() { _rcu.Synchronize(); }

                void Caller()
                {
                    _lock.Lock();
                    Flush();
                    {|#1:Wait()|};
                    _lock.Unlock();
                }
            """);
        await AtomicRulesTest.VerifyAsync(source, Error("GFP009", 0), Error("GFP009", 1));
    }

    [Fact]
    public async Task A_RunsInAtomicContext_callee_reports_its_allocation_once()
    {
        var source = Code("""
                [RunsInAtomicContext]
                void OnTimer() { _a.AllocPage({|#0:Gfp.Kernel|}); }

                void Caller()
                {
                    using (_rcu.ReadLock())
                    {
                        OnTimer();
                    }
                }
            """);
        await AtomicRulesTest.VerifyAsync(source, Error("GFP001", 0));
    }

    [Fact]
    public async Task Flags_a_locked_caller_passes_into_a_section_of_the_callee_are_judged_in_the_callee_only()
    {
        // Grow's allocation with its parameter under its own lock is GFP003 in Grow; neither the Gfp.Kernel nor the
        // caller's own flags passed to it are reported again at the calls.
        var source = Code("""
                Page? Grow(Gfp gfp) { _lock.Lock(); var p = _a.AllocPage({|#0:gfp|}); _lock.Unlock(); return p; }

                void Caller(Gfp gfp)
                {
                    _outer.Lock();
                    Grow(Gfp.Kernel);
                    Grow(gfp);
                    _outer.Unlock();
                }
            """);
        await AtomicRulesTest.VerifyAsync(source, Warning("GFP003", 0));
    }

    [Fact]
    public async Task A_sleep_two_calls_down_inside_a_middle_section_is_reported_at_that_section_only()
    {
        var source = Code("""
                void Leaf() => _rcu.Synchronize();
                void Middle() { _lock.Lock(); {|#0:Leaf()|}; _lock.Unlock(); }
                void Top() => Middle();

                void Caller()
                {
                    _outer.Lock();
                    Top();
                    _outer.Unlock();
                }
            """);
        await AtomicRulesTest.VerifyAsync(source,
            Error("GFP009", 0).WithArguments("Call to 'Leaf'", "inside the spin_lock section of '_lock' entered at line 9", "'Leaf' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task A_kswapd_wakeup_that_counts_only_in_the_callers_hook_is_still_reported_at_the_call()
    {
        // The callee's spinlock section does not make KswapdReclaim a mistake; the caller's allocation hook does.
        var source = Code("""
                Page? Grow(Gfp gfp) { _lock.Lock(); var p = _a.AllocPage({|#0:gfp & ~Gfp.DirectReclaim|}); _lock.Unlock(); return p; }

                [AllocationHook]
                void Record(ulong pfn, Gfp gfp)
                {
                    {|#1:Grow(gfp)|};
                }
            """);
        await AtomicRulesTest.VerifyAsync(source, Warning("GFP003", 0), Warning("GFP003", 1));
    }
}

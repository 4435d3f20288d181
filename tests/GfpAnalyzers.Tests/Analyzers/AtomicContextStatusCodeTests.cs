using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyAllocation = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using VerifyBalance = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;
using VerifySleep = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Path feasibility by local constant propagation: a path that set a status local (int, enum) to one constant cannot
/// take a later branch that tests it for another, so the lock flow does not carry a lock held on one path into code
/// only another path reaches. Line 1 is the usings line.
/// </summary>
public class AtomicContextStatusCodeTests
{
    private static string Code(string body) => TestEnvironment.Usings + """
        enum State { Idle, Busy }

        class C
        {
            const int ENOMEM = 12;
            readonly KSpinLock _lock = new();
            readonly PageAllocator _a = new();
            readonly Rcu _rcu = new();
            int _count;

        """ + body + "\n}\n";

    [Fact]
    public async Task A_failure_path_that_set_the_status_never_reaches_the_code_under_the_success_test()
    {
        // ret = -ENOMEM; goto out; … out: if (ret == 0) unlock — the lock is taken only where ret stays 0, so the
        // allocation under `ret != 0` runs with no lock held; the one before the unlock does not.
        var source = Code("""
                int Grow(bool fail)
                {
                    var ret = 0;
                    if (fail)
                    {
                        ret = -ENOMEM;
                        goto out_;
                    }
                    _lock.Lock();
                    _a.AllocPage({|#0:Gfp.Kernel|});
                out_:
                    if (ret == 0)
                        _lock.Unlock();
                    if (ret != 0)
                        _a.AllocPage(Gfp.Kernel);
                    return ret;
                }
            """);
        await VerifyAllocation.VerifyAnalyzerAsync(source,
            VerifyAllocation.Diagnostic(GFP001SleepingAllocationInAtomicContext.Rule).WithLocation(0)
                .WithArguments("inside the spin_lock section of '_lock' entered at line 19", "Gfp.Kernel"));
    }

    [Fact]
    public async Task An_int_or_enum_lock_flag_correlates_like_a_bool()
    {
        var source = Code("""
                void Flag(bool b)
                {
                    var locked = 0;
                    if (b)
                    {
                        _lock.Lock();
                        locked = 1;
                    }
                    _count++;
                    if (locked == 1)
                        _lock.Unlock();
                    _a.AllocPage(Gfp.Kernel);
                }

                void Enum(bool b)
                {
                    var state = State.Idle;
                    if (b)
                    {
                        _rcu.ReadLock();
                        state = State.Busy;
                    }
                    if (state is State.Busy)
                        _rcu.ReadUnlock();
                    _rcu.Synchronize();
                }
            """);
        await VerifyAllocation.VerifyAnalyzerAsync(source);
        await VerifySleep.VerifyAnalyzerAsync(source);
        await VerifyBalance.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_status_test_the_path_did_not_decide_still_follows_both_branches()
    {
        // ret comes from a call: nothing is known, the lock may be held under `ret < 0` — reported as before.
        var source = Code("""
                int Compute() => _count;

                void Unknown()
                {
                    _lock.Lock();
                    var ret = Compute();
                    if (ret == 0)
                        _lock.Unlock();
                    if (ret < 0)
                        _a.AllocPage({|#0:Gfp.Kernel|});
                    if (ret != 0)
                        _lock.Unlock();
                }

                void Reassigned(bool b)
                {
                    var ret = 0;
                    _lock.Lock();
                    if (b)
                        ret++;
                    if (ret == 0)
                        _lock.Unlock();
                    if (ret != 0)
                        _a.AllocPage({|#1:Gfp.Kernel|});
                    if (ret != 0)
                        _lock.Unlock();
                }
            """);
        await VerifyAllocation.VerifyAnalyzerAsync(source,
            VerifyAllocation.Diagnostic(GFP001SleepingAllocationInAtomicContext.Rule).WithLocation(0)
                .WithArguments("inside the spin_lock section of '_lock' entered at line 15", "Gfp.Kernel"),
            VerifyAllocation.Diagnostic(GFP001SleepingAllocationInAtomicContext.Rule).WithLocation(1)
                .WithArguments("inside the spin_lock section of '_lock' entered at line 28", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Status_codes_balance_the_lock_at_the_exit_and_the_release()
    {
        // The lock is held exactly where ret became 0: the failure branch allocates outside any section, and the
        // unlock after it pairs with the lock (neither a leak at a return nor an unlock without a lock).
        var source = Code("""
                int Setup(bool busy)
                {
                    var ret = -16;
                    if (!busy)
                    {
                        _lock.Lock();
                        ret = 0;
                    }
                    if (ret < 0)
                    {
                        _a.AllocPage(Gfp.Kernel);
                        return ret;
                    }
                    _count++;
                    _lock.Unlock();
                    return 0;
                }
            """);
        await VerifyBalance.VerifyAnalyzerAsync(source);
        await VerifyAllocation.VerifyAnalyzerAsync(source);
    }
}

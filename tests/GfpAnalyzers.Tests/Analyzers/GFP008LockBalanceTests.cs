using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008 for every lock kind beyond RCU: wrong release primitive, flags from another save, irqsave restored out of
/// order, release without a lock, leaks on some exits, and the idioms that must stay quiet. Line 1 is the usings line.
/// </summary>
public class GFP008LockBalanceTests
{
    private static string Code(string body) => TestEnvironment.Usings + """
        class C
        {
            readonly KSpinLock _lock = new(); readonly KSpinLock _other = new(); readonly KRwLock _rw = new();

        """ + body + "\n}\n";

    private static DiagnosticResult Wrong(int location, string call, string primitive, int line, string release)
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.WrongRelease).WithLocation(location).WithArguments(call, primitive, line, release);

    [Fact]
    public async Task Irqsave_released_with_Unlock_is_the_wrong_primitive()
    {
        var source = Code("""
                void M()
                {
                    var flags = _lock.LockIrqSave();
                    {|#0:_lock.Unlock()|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Wrong(0, "_lock.Unlock()", "spin_lock_irqsave", 7, "_lock.UnlockIrqRestore(flags)"));
    }

    [Fact]
    public async Task Bh_lock_released_with_Unlock_and_read_side_released_as_write_are_wrong()
    {
        var source = Code("""
                void M()
                {
                    _lock.LockBh();
                    {|#0:_lock.Unlock()|};
                    _rw.ReadLock();
                    {|#1:_rw.WriteUnlock()|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Wrong(0, "_lock.Unlock()", "spin_lock_bh", 7, "_lock.UnlockBh()"),
            Wrong(1, "_rw.WriteUnlock()", "read_lock", 9, "_rw.ReadUnlock()"));
    }

    [Fact]
    public async Task Local_irq_save_ended_with_Enable_is_the_wrong_primitive()
    {
        var source = Code("""
                void M()
                {
                    var saved = LocalIrq.Save();
                    {|#0:LocalIrq.Enable()|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Wrong(0, "LocalIrq.Enable()", "local_irq_save", 7, "LocalIrq.Restore(saved)"));
    }

    [Fact]
    public async Task Restoring_flags_from_another_save_is_reported()
    {
        var source = Code("""
                void M()
                {
                    var outer = LocalIrq.Save();
                    var inner = _lock.LockIrqSave();
                    {|#0:_lock.UnlockIrqRestore(outer)|};
                    {|#1:LocalIrq.Restore(inner)|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.FlagsMismatch).WithLocation(0)
                .WithArguments("_lock.UnlockIrqRestore(outer)", "outer", "spin_lock_irqsave", 8, "inner"),
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.FlagsMismatch).WithLocation(1)
                .WithArguments("LocalIrq.Restore(inner)", "inner", "local_irq_save", 7, "outer"));
    }

    [Fact]
    public async Task Irqsave_sections_restored_out_of_order_are_reported_once()
    {
        var source = Code("""
                void M()
                {
                    var fa = _lock.LockIrqSave();
                    var fb = _other.LockIrqSave();
                    {|#0:_lock.UnlockIrqRestore(fa)|};
                    _other.UnlockIrqRestore(fb);
                }

                void InOrder()
                {
                    var fa = _lock.LockIrqSave();
                    var fb = _other.LockIrqSave();
                    _other.UnlockIrqRestore(fb);
                    _lock.UnlockIrqRestore(fa);
                }

                void PlainLocksOutOfOrder()
                {
                    _lock.Lock();
                    _other.Lock();
                    _lock.Unlock();
                    _other.Unlock();
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.RestoreOutOfOrder).WithLocation(0)
                .WithArguments("_lock.UnlockIrqRestore(fa)", 7, "spin_lock_irqsave", 8));
    }

    [Fact]
    public async Task Release_without_a_lock_names_the_lock()
    {
        var source = Code("""
                void M()
                {
                    _lock.Lock();
                    _lock.Unlock();
                    {|#0:_lock.Unlock()|};
                    Preempt.Disable();
                    Preempt.Enable();
                    {|#1:Preempt.Enable()|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseWithoutLock).WithLocation(0).WithArguments("_lock.Unlock()", "'_lock'", "is not held", ""),
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseWithoutLock).WithLocation(1).WithArguments("Preempt.Enable()", "preemption", "is not disabled", ""));
    }

    [Fact]
    public async Task A_trylock_left_held_on_an_early_return_is_reported_and_the_failure_path_is_not()
    {
        var source = Code("""
                void M(bool stop)
                {
                    if (!_lock.TryLock())
                        return;
                    if (stop)
                        {|#0:return;|}
                    _lock.Unlock();
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_trylock", "line 7", "M", "returns at line 10"));
    }

    [Fact]
    public async Task Idioms_that_balance_are_quiet()
    {
        var source = Code("""
                // Correlated: taken and released under the same condition.
                void Conditional(bool c)
                {
                    if (c) _lock.Lock();
                    if (c) _lock.Unlock();
                }

                // Release helper and __releases / __acquires.
                void Release() => _lock.Unlock();

                [ReleasesLock(nameof(_lock))]
                void Drop() { _lock.Unlock(); }

                [AcquiresLock(nameof(_lock))]
                void Take() { _lock.Lock(); }

                // __must_hold: drop and retake.
                [LockHeld(nameof(_lock))]
                void Cycle()
                {
                    _lock.Unlock();
                    _lock.Lock();
                }

                // A guard handed to the caller.
                SpinLockGuard Enter() => _lock.Lock();

                // try/finally with an irqsave.
                void Finally()
                {
                    var flags = _lock.LockIrqSave();
                    try { }
                    finally { _lock.UnlockIrqRestore(flags); }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_method_that_takes_a_lock_and_returns_without_the_annotation_is_reported_at_its_end()
    {
        var source = Code("""
                void Take()
                {
                    _rw.WriteLockBh();
                {|#0:}|}
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_rw'", "is still held", "write_lock_bh", "line 7", "Take", "reaches its end"));
    }
}

using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Tests.Analyzers.AtomicContextProbeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// The lock flow for every lock kind, through the probe (the context of each allocation, "none" outside):
/// nesting of different kinds, out-of-order release, unlock-allocate-relock, TryLock paths, try/finally, early
/// returns, loops, correlated conditions, deferred lambdas, annotations. Line 1 is the usings line.
/// </summary>
public class AtomicContextPrecisionTests
{
    private static DiagnosticResult Ctx(int location, string context)
        => VerifyCS.Diagnostic(AtomicContextProbeAnalyzer.Probe).WithLocation(location).WithArguments(context);

    private static DiagnosticResult None(int location) => Ctx(location, "none");

    private static string Code(string body) => TestEnvironment.Usings + """
        class C
        {
            readonly KSpinLock _lock = new(); readonly KSpinLock _other = new(); readonly KRwLock _rw = new();

        """ + body + "\n}\n";

    [Fact]
    public async Task Nested_kinds_name_the_outermost_and_out_of_order_release_keeps_the_other_held()
    {
        var source = Code("""
                void M(PageAllocator a)
                {
                    var flags = LocalIrq.Save();
                    _lock.Lock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    LocalIrq.Restore(flags);
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                    _lock.Unlock();
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "with interrupts disabled since line 7"),
            Ctx(1, "inside the spin_lock section of '_lock' entered at line 8"),
            None(2));
    }

    [Fact]
    public async Task Releasing_one_lock_does_not_release_another()
    {
        var source = Code("""
                void M(PageAllocator a)
                {
                    _lock.Lock();
                    _other.Lock();
                    _lock.Unlock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    _other.Unlock();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Ctx(0, "inside the spin_lock section of '_other' entered at line 8"), None(1));
    }

    [Fact]
    public async Task Unlock_allocate_relock_is_outside_the_section()
    {
        var source = Code("""
                void M(PageAllocator a)
                {
                    _lock.LockBh();
                    _lock.UnlockBh();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    _lock.LockBh();
                    {|#1:a.AllocPage(Gfp.Atomic)|};
                    _lock.UnlockBh();
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0), Ctx(1, "inside the spin_lock_bh section of '_lock' entered at line 10"));
    }

    [Fact]
    public async Task TryLock_holds_the_lock_only_where_it_succeeded()
    {
        var source = Code("""
                void M(PageAllocator a)
                {
                    if (!_lock.TryLock())
                    {
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                        return;
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                    _lock.Unlock();
                }

                void N(PageAllocator a)
                {
                    var ok = _rw.TryReadLock();
                    if (ok)
                    {
                        {|#2:a.AllocPage(Gfp.Kernel)|};
                        _rw.ReadUnlock();
                    }
                    else
                    {
                        {|#3:a.AllocPage(Gfp.Kernel)|};
                    }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            None(0),
            Ctx(1, "inside the spin_trylock section of '_lock' entered at line 7"),
            Ctx(2, "inside the read_trylock section of '_rw' entered at line 18"),
            None(3));
    }

    [Fact]
    public async Task Try_finally_releases_on_every_path_and_early_returns_leave_the_section()
    {
        var source = Code("""
                void M(PageAllocator a, bool fail)
                {
                    Preempt.Disable();
                    try
                    {
                        if (fail)
                            return;
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                    }
                    finally
                    {
                        Preempt.Enable();
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Ctx(0, "with preemption disabled since line 7"), None(1));
    }

    [Fact]
    public async Task Loop_that_locks_and_unlocks_each_iteration_is_clean_between_iterations()
    {
        var source = Code("""
                void M(PageAllocator a, int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                        var flags = _lock.LockIrqSave();
                        {|#1:a.AllocPage(Gfp.Kernel)|};
                        _lock.UnlockIrqRestore(flags);
                    }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0), Ctx(1, "inside the spin_lock_irqsave section of '_lock' entered at line 10"));
    }

    [Fact]
    public async Task Correlated_conditions_pair_the_lock_with_its_unlock()
    {
        var source = Code("""
                void M(PageAllocator a, bool locked)
                {
                    if (locked)
                        LocalBh.Disable();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    if (locked)
                        LocalBh.Enable();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Ctx(0, "with bottom halves disabled since line 8"), None(1));
    }

    [Fact]
    public async Task A_lambda_created_under_a_lock_runs_later_outside_it()
    {
        var source = Code("""
                System.Func<Page?> M(PageAllocator a)
                {
                    using (Scheduler.LockRunqueue())
                    {
                        return () => {|#0:a.AllocPage(Gfp.Kernel)|};
                    }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0));
    }

    [Fact]
    public async Task Annotations_make_the_body_atomic_and_name_the_attribute()
    {
        var source = Code("""
                [LockHeld(nameof(_lock))]
                void Held(PageAllocator a) => {|#0:a.AllocPage(Gfp.Kernel)|};

                [IrqsDisabled]
                void Irqs(PageAllocator a) => {|#1:a.AllocPage(Gfp.Kernel)|};

                [RunsInAtomicContext]
                void Timer(PageAllocator a)
                {
                    _lock.Lock();
                    _lock.Unlock();
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                }

                [LockHeld("runqueue")]
                void Rq(PageAllocator a) => {|#3:a.AllocPage(Gfp.Kernel)|};
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "in method 'Held' marked [LockHeld(\"_lock\")]"),
            Ctx(1, "in method 'Irqs' marked [IrqsDisabled]"),
            Ctx(2, "in method 'Timer' marked [RunsInAtomicContext]"),
            Ctx(3, "in method 'Rq' marked [LockHeld(\"runqueue\")]"));
    }

    [Fact]
    public async Task A_LockHeld_method_may_drop_the_lock_to_sleep_and_take_it_again()
    {
        var source = Code("""
                [LockHeld(nameof(_lock))]
                void Refill(PageAllocator a)
                {
                    _lock.Unlock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    _lock.Lock();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }

                [IrqsDisabled]
                void Irqs(PageAllocator a)
                {
                    LocalIrq.Enable();
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                    LocalIrq.Disable();
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            None(0),
            Ctx(1, "inside the spin_lock section of '_lock' entered at line 10"),
            None(2));
    }

    [Fact]
    public async Task A_LockHeld_lambda_names_its_line()
    {
        var source = Code("""
                System.Action M(PageAllocator a)
                    => [IrqsDisabled] () => {|#0:a.AllocPage(Gfp.Kernel)|};
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Ctx(0, "in the lambda at line 6 marked [IrqsDisabled]"));
    }

    [Fact]
    public async Task A_lambda_handed_to_an_interrupt_runner_runs_in_atomic_context_and_a_stored_one_does_not()
    {
        var source = Code("""
                void M(PageAllocator a, KernelLog log)
                {
                    Interrupts.RunHardirq(() => {|#0:a.AllocPage(Gfp.Kernel)|}, log);
                    System.Action later = () => {|#1:a.AllocPage(Gfp.Kernel)|};
                    Interrupts.RunSoftirq(later, log);
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "in the lambda at line 7, which 'Interrupts.RunHardirq' invokes in atomic context"),
            None(1));
    }
}

using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Alloc = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using Balance = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;
using Sleep = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Every atomic context of Linux (<see cref="LockKindCases"/>), for each rule that judges it: inside the section the
/// rule reports and names the context; after the release the same code is clean; a balanced pair is clean for GFP008.
/// </summary>
public class AtomicContextKindsTests
{
    [Theory]
    [MemberData(nameof(LockKindCases.All), MemberType = typeof(LockKindCases))]
    public async Task GFP001_reports_a_sleeping_allocation_inside_and_not_after(string kind, string enter, string exit, string context)
    {
        _ = kind;
        var source = LockKindCases.Source(enter, "a.AllocPage({|#0:Gfp.Kernel|});", exit, "a.AllocPage(Gfp.Kernel);");
        await Alloc.VerifyAnalyzerAsync(source, Alloc.Diagnostic("GFP001").WithLocation(0).WithArguments(context, "Gfp.Kernel"));
    }

    [Theory]
    [MemberData(nameof(LockKindCases.All), MemberType = typeof(LockKindCases))]
    public async Task GFP003_names_the_inherited_bits_inside_and_is_quiet_after(string kind, string enter, string exit, string context)
    {
        // Under the default scope, KswapdReclaim counts only where a scheduler lock may be held: the runqueue lock.
        var bits = kind.StartsWith("runqueue", StringComparison.Ordinal)
            ? "ZoneMask, DirectReclaim, KswapdReclaim, NoFail and ThisNode"
            : "ZoneMask, DirectReclaim, NoFail and ThisNode";
        var source = LockKindCases.Source(enter, "a.AllocPage({|#0:gfp|});", exit, "a.AllocPage(gfp);", parameters: ", Gfp gfp");
        await Alloc.VerifyAnalyzerAsync(source,
            Alloc.Diagnostic("GFP003").WithLocation(0).WithArguments(context, bits + " inherited from parameter 'gfp'"));
    }

    [Theory]
    [MemberData(nameof(LockKindCases.All), MemberType = typeof(LockKindCases))]
    public async Task GFP009_reports_a_MightSleep_call_inside_and_not_after(string kind, string enter, string exit, string context)
    {
        _ = kind;
        var source = LockKindCases.Source(enter, "{|#0:Wait()|};", exit, "Wait();", members: "[MightSleep] static void Wait() { }");
        await Sleep.VerifyAnalyzerAsync(source,
            Sleep.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Call to 'Wait'", context, "'Wait' is marked [MightSleep]"));
    }

    [Theory]
    [MemberData(nameof(LockKindCases.All), MemberType = typeof(LockKindCases))]
    public async Task GFP009_reports_taking_a_mutex_inside_and_not_after(string kind, string enter, string exit, string context)
    {
        _ = kind;
        var source = LockKindCases.Source(enter, "{|#0:_m.Lock()|}; _m.Unlock();", exit, "_m.Lock(); _m.Unlock();");
        await Sleep.VerifyAnalyzerAsync(source,
            Sleep.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Taking mutex '_m'", context, "mutex_lock() sleeps while another task holds the mutex"));
    }

    [Theory]
    [MemberData(nameof(LockKindCases.All), MemberType = typeof(LockKindCases))]
    public async Task GFP008_is_quiet_for_a_balanced_pair(string kind, string enter, string exit, string context)
    {
        _ = (kind, context);
        await Balance.VerifyAnalyzerAsync(LockKindCases.Source(enter, "a.AllocPage(Gfp.Atomic);", exit));
    }

    [Theory]
    [MemberData(nameof(LockKindCases.ExplicitPairs), MemberType = typeof(LockKindCases))]
    public async Task GFP008_reports_a_lock_not_released_on_an_early_return(string kind, string enter, string exit)
    {
        _ = kind;
        var source = LockKindCases.Source(enter, "if (a is null) {|#0:return;|}", exit);
        // Two descriptors share the ID (RCU keeps its own wording): match on ID, place and message.
        var result = new DiagnosticResult(DiagnosticIds.UnbalancedRcuReadLock, Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0);
        await Balance.VerifyAnalyzerAsync(source, result.WithMessage(LeakMessage(kind)));
    }

    [Fact]
    public async Task Synchronize_under_a_spinlock_is_reported()
    {
        var source = LockKindCases.Source("_lock.Lock();", "{|#0:_rcu.Synchronize()|};", "_lock.Unlock();", "_rcu.Synchronize();");
        await Sleep.VerifyAnalyzerAsync(source,
            Sleep.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Call to 'Rcu.Synchronize()'", "inside the spin_lock section of '_lock' entered at line 9", "it blocks until a grace period ends"));
    }

    [Fact]
    public async Task Taking_a_semaphore_with_interrupts_disabled_is_reported()
    {
        var source = LockKindCases.Source("var flags = LocalIrq.Save();", "{|#0:_s.Down()|}; _s.Up();", "LocalIrq.Restore(flags);", "_s.Down(); _s.Up();");
        await Sleep.VerifyAnalyzerAsync(source,
            Sleep.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Taking semaphore '_s'", "with interrupts disabled since line 9", "down() sleeps until the semaphore is available"));
    }

    [Fact]
    public async Task Taking_a_mutex_in_a_softirq_handler_lambda_is_reported()
    {
        var source = LockKindCases.Source(string.Empty, "Interrupts.RunSoftirq(() => { {|#0:_m.Lock()|}; _m.Unlock(); }, log);", string.Empty, parameters: ", KernelLog log");
        await Sleep.VerifyAnalyzerAsync(source,
            Sleep.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Taking mutex '_m'", "in the lambda at line 10, which 'Interrupts.RunSoftirq' invokes in atomic context",
                    "mutex_lock() sleeps while another task holds the mutex"));
    }

    [Fact]
    public async Task A_helper_that_takes_a_mutex_is_reported_with_the_mutex_in_the_chain()
    {
        var source = LockKindCases.Source("_lock.Lock();", "{|#0:Flush()|};", "_lock.Unlock();", "Flush();",
            members: "void Flush() { _m.Lock(); _m.Unlock(); }");
        await Sleep.VerifyAnalyzerAsync(source,
            Sleep.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCallThroughSummary).WithLocation(0)
                .WithArguments("Call to 'Flush'", "inside the spin_lock section of '_lock' entered at line 9", "'Flush' takes mutex '_m'"));
    }

    [Fact]
    public async Task A_mutex_taken_outside_atomic_context_is_silent()
    {
        var source = LockKindCases.Source("_m.Lock();", "a.AllocPage(Gfp.Kernel); _s.Down(); _s.Up();", "_m.Unlock();");
        await Sleep.VerifyAnalyzerAsync(source);
        await Alloc.VerifyAnalyzerAsync(source);
    }

    /// <summary>The leak message each explicit pair gets when its release is skipped (the early return is at line 10).</summary>
    private static string LeakMessage(string kind)
    {
        var (noun, still, primitive) = kind switch
        {
            "spin_lock" => ("'_lock'", "is still held", "spin_lock"),
            "spin_lock_irqsave" => ("'_lock'", "is still held", "spin_lock_irqsave"),
            "spin_lock_irq" => ("'_lock'", "is still held", "spin_lock_irq"),
            "spin_lock_bh" => ("'_lock'", "is still held", "spin_lock_bh"),
            "spin_lock_bh guard disposed" => ("'_lock'", "is still held", "spin_lock_bh"),
            "raw_spin_lock" => ("'_raw'", "is still held", "raw_spin_lock"),
            "raw_spin_lock_irqsave" => ("'_raw'", "is still held", "raw_spin_lock_irqsave"),
            "preempt_disable" => ("Preemption", "is still disabled", "preempt_disable"),
            "local_irq_disable" => ("Interrupts", "are still disabled", "local_irq_disable"),
            "local_irq_save" => ("Interrupts", "are still disabled", "local_irq_save"),
            "local_bh_disable" => ("Bottom halves", "are still disabled", "local_bh_disable"),
            "runqueue lock" => ("The runqueue lock", "is still held", "rq_lock"),
            "rcu_read_lock" => (string.Empty, string.Empty, string.Empty),
            _ when kind.StartsWith("read_lock", StringComparison.Ordinal) || kind.StartsWith("write_lock", StringComparison.Ordinal) => ("'_rw'", "is still held", kind),
            _ => throw new ArgumentException("no leak message for " + kind),
        };
        return kind == "rcu_read_lock"
            ? "The RCU read lock taken at line 9 is still held when 'M' returns at line 10"
            : $"{noun} {still} ({primitive} at line 9) when 'M' returns at line 10";
    }
}

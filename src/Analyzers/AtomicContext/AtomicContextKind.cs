namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Why a piece of code runs in atomic context (must not sleep). The names are the values of the
/// <c>ContextKind</c> diagnostic property that code fixes read: add new kinds at the end, never rename.
/// </summary>
internal enum AtomicContextKind
{
    /// <summary>Between <c>Rcu.ReadLock()</c> and its release in the same method.</summary>
    RcuReadSection,

    /// <summary>In a method marked <c>[RcuReadLockHeld]</c>: the caller's read lock is held.</summary>
    RcuReadLockHeldMethod,

    /// <summary>In a method marked <c>[AllocationHook]</c>: reached from inside the page allocator.</summary>
    AllocationHook,

    /// <summary>Inside a spinlock, raw spinlock or rwlock section (any variant: plain, _irqsave, _irq, _bh, trylock).</summary>
    LockSection,

    /// <summary>After <c>LocalIrq.Disable()</c> / <c>LocalIrq.Save()</c> (or their guards).</summary>
    IrqsDisabled,

    /// <summary>After <c>Preempt.Disable()</c> (or its guard).</summary>
    PreemptDisabled,

    /// <summary>After <c>LocalBh.Disable()</c> (or its guard).</summary>
    BhDisabled,

    /// <summary>With <c>Scheduler.LockRunqueue()</c> held: a scheduler lock.</summary>
    RunqueueLock,

    /// <summary>In a method marked <c>[LockHeld("name")]</c>: the caller holds that lock.</summary>
    LockHeldMethod,

    /// <summary>In a method marked <c>[IrqsDisabled]</c>.</summary>
    IrqsDisabledMethod,

    /// <summary>In a method marked <c>[RunsInAtomicContext]</c> (interrupt handler, timer, softirq).</summary>
    RunsInAtomicContextMethod,

    /// <summary>In a lambda passed to a parameter marked <c>[InvokedInAtomicContext]</c> (an interrupt or softirq handler).</summary>
    InvokedInAtomicContextLambda,
}

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>What the calling thread's atomic-context questions answer at one moment, for before/inside/after assertions.</summary>
internal readonly record struct AtomicState(int PreemptCount, bool InAtomic, bool IrqsDisabled, bool InSoftirq)
{
    /// <summary>Process context: nothing disabled.</summary>
    public static readonly AtomicState Clean = new(0, false, false, false);

    public static AtomicState Now
        => new(Runtime.PreemptCount.Value, Runtime.PreemptCount.InAtomic, Runtime.PreemptCount.IrqsDisabled, Runtime.PreemptCount.InSoftirq);

    /// <summary>A spin lock (or preempt_disable): one preemption level.</summary>
    public static readonly AtomicState Preempt = new(1, true, false, false);

    /// <summary>spin_lock_irq/irqsave: one preemption level and interrupts off.</summary>
    public static readonly AtomicState PreemptIrqsOff = new(1, true, true, false);

    /// <summary>spin_lock_bh: SOFTIRQ_LOCK_OFFSET (0x200 + 1).</summary>
    public static readonly AtomicState Bh = new(0x201, true, false, true);
}

namespace GfpAnalyzers.Runtime;

/// <summary>How a spin lock or rwlock was taken, which decides what its release must undo.</summary>
internal enum LockFlavor
{
    /// <summary>spin_lock(): preempt_disable().</summary>
    Plain,

    /// <summary>spin_lock_irq(): local_irq_disable() + preempt_disable().</summary>
    Irq,

    /// <summary>spin_lock_bh(): local_bh_disable() with SOFTIRQ_LOCK_OFFSET (bh disable + preempt disable).</summary>
    Bh,

    /// <summary>spin_lock_irqsave(): local_irq_save() + preempt_disable().</summary>
    IrqSave,
}

namespace GfpAnalyzers.Runtime;

/// <summary>
/// Linux's per-task <c>preempt_count()</c> and interrupt state, one per thread: the single source of truth every
/// atomic-context check of the model reads (the page allocator's might_alloc, <see cref="Rcu.Synchronize"/>,
/// <see cref="KMutex.Lock"/>, <see cref="KSemaphore.Down"/>).
/// </summary>
/// <remarks>
/// The encoding is Linux's (include/linux/preempt.h):
/// bits 0-7 count <c>preempt_disable()</c> nesting (<see cref="PreemptOffset"/>; every spinlock adds one),
/// bits 8-15 are the softirq count: <c>local_bh_disable()</c> adds <see cref="SoftirqDisableOffset"/> (2) so that
/// serving a softirq (<see cref="SoftirqOffset"/>, 1) stays distinguishable,
/// bits 16-19 count hardirq nesting (<see cref="HardirqOffset"/>) while an interrupt handler runs.
/// Whether interrupts are disabled is not part of the count; it is a separate per-thread flag, as it is a CPU flag in Linux.
/// </remarks>
public static class PreemptCount
{
    /// <summary>PREEMPT_MASK: the preemption-disable depth.</summary>
    public const int PreemptMask = 0x000000ff;

    /// <summary>SOFTIRQ_MASK: softirq serving (odd) and bottom-half disable depth (in steps of two).</summary>
    public const int SoftirqMask = 0x0000ff00;

    /// <summary>HARDIRQ_MASK: hardirq nesting.</summary>
    public const int HardirqMask = 0x000f0000;

    /// <summary>PREEMPT_OFFSET: what <c>preempt_disable()</c> (and every spin lock) adds.</summary>
    public const int PreemptOffset = 0x1;

    /// <summary>SOFTIRQ_OFFSET: what serving a softirq adds.</summary>
    public const int SoftirqOffset = 0x100;

    /// <summary>SOFTIRQ_DISABLE_OFFSET: what <c>local_bh_disable()</c> adds.</summary>
    public const int SoftirqDisableOffset = 2 * SoftirqOffset;

    /// <summary>HARDIRQ_OFFSET: what entering a hardirq handler adds.</summary>
    public const int HardirqOffset = 0x10000;

    [ThreadStatic]
    private static int t_count;

    [ThreadStatic]
    private static bool t_irqsDisabled;

    /// <summary>preempt_count() of the calling thread.</summary>
    public static int Value => t_count;

    /// <summary>in_atomic(): the preempt count is not zero (preemption, bottom halves or an interrupt handler).</summary>
    public static bool InAtomic => t_count != 0;

    /// <summary>irqs_disabled(): interrupts are off on the calling thread.</summary>
    public static bool IrqsDisabled => t_irqsDisabled;

    /// <summary>in_softirq(): bottom halves are disabled or a softirq is being served.</summary>
    public static bool InSoftirq => (t_count & SoftirqMask) != 0;

    /// <summary>in_serving_softirq(): a softirq handler is running.</summary>
    public static bool InServingSoftirq => (t_count & SoftirqOffset) != 0;

    /// <summary>in_hardirq(): an interrupt handler is running.</summary>
    public static bool InHardirq => (t_count & HardirqMask) != 0;

    /// <summary>in_interrupt(): in a hardirq or softirq handler, or with bottom halves disabled.</summary>
    public static bool InInterrupt => (t_count & (HardirqMask | SoftirqMask)) != 0;

    /// <summary>rcu_preempt_depth(): the calling thread's RCU read-side nesting (any <see cref="Rcu"/> instance).</summary>
    public static int RcuNestDepth => RcuReaders.CurrentDepth;

    /// <summary>Whether sleeping is forbidden here: in_atomic(), irqs_disabled() or inside an RCU read-side section.</summary>
    public static bool SleepingForbidden => InAtomic || IrqsDisabled || RcuNestDepth > 0;

    /// <summary>Adds <paramref name="offset"/> (preempt_count_add); throws when the field it counts in would overflow.</summary>
    internal static void Add(int offset, int mask, string what)
    {
        if ((t_count & mask) + offset > mask)
        {
            throw new InvalidOperationException($"{what}(): preempt_count 0x{t_count:x} would overflow its nesting field (mask 0x{mask:x}).");
        }

        t_count += offset;
    }

    /// <summary>Subtracts <paramref name="offset"/> (preempt_count_sub); throws, changing nothing, when nothing was added to that field.</summary>
    internal static void Sub(int offset, int mask, string what)
    {
        if ((t_count & mask) < offset)
        {
            throw new InvalidOperationException($"{what}() without a matching disable: preempt_count 0x{t_count:x} would underflow (DEBUG_LOCKS_WARN_ON(val > preempt_count())).");
        }

        t_count -= offset;
    }

    /// <summary>Whether <see cref="Sub"/> of <paramref name="offset"/> would succeed.</summary>
    internal static bool CanSub(int offset, int mask) => (t_count & mask) >= offset;

    internal static void SetIrqsDisabled(bool disabled) => t_irqsDisabled = disabled;

    /// <summary>preempt_count_set(): puts back a count saved earlier (after an unbalanced interrupt handler).</summary>
    internal static void Set(int count) => t_count = count;
}

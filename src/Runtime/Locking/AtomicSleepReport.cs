namespace GfpAnalyzers.Runtime;

/// <summary>
/// The reports of CONFIG_DEBUG_ATOMIC_SLEEP, worded as kernel/sched/core.c prints them, built from
/// <see cref="PreemptCount"/> (the single source of truth) so every sleeping operation reports the same way.
/// </summary>
internal static class AtomicSleepReport
{
    /// <summary>
    /// __might_sleep(): the report for a sleeping operation at <paramref name="location"/>, or null when sleeping is allowed
    /// here (preempt_count 0, interrupts on, no RCU read-side section).
    /// </summary>
    public static string? MightSleep(string location)
    {
        if (!PreemptCount.SleepingForbidden)
        {
            return null;
        }

        return $"BUG: sleeping function called from invalid context at {location}\n"
            + $"in_atomic(): {(PreemptCount.InAtomic ? 1 : 0)}, irqs_disabled(): {(PreemptCount.IrqsDisabled ? 1 : 0)}, non_block: 0, pid: {CurrentTask.Pid}, name: {CurrentTask.Comm}\n"
            + $"preempt_count: {PreemptCount.Value:x}, expected: 0\n"
            + $"RCU nest depth: {PreemptCount.RcuNestDepth}, expected: 0\n"
            + HeldLocks.Describe();
    }

    /// <summary>
    /// schedule_debug(): the report for actually blocking (a contended sleeping lock) in atomic context, or null when
    /// the preempt count is zero (Linux checks only the count here; sleeping with interrupts off is might_sleep's report).
    /// </summary>
    public static string? SchedulingWhileAtomic()
    {
        if (!PreemptCount.InAtomic)
        {
            return null;
        }

        return $"BUG: scheduling while atomic: {CurrentTask.Comm}/{CurrentTask.Pid}/0x{PreemptCount.Value:x8}\n" + HeldLocks.Describe();
    }
}

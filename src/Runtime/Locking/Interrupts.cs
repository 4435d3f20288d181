namespace GfpAnalyzers.Runtime;

/// <summary>
/// Runs a handler the way Linux enters interrupt context on the calling thread, so code written for an interrupt
/// handler, a timer or a softirq (<see cref="RunsInAtomicContextAttribute"/>) can be exercised with the context it
/// really has: in a hardirq handler <see cref="PreemptCount.InHardirq"/> holds and interrupts are off, in a softirq
/// <see cref="PreemptCount.InServingSoftirq"/> holds. Either way nothing in it may sleep.
/// </summary>
public static class Interrupts
{
    /// <summary>
    /// irq_enter() … irq_exit(): runs <paramref name="handler"/> with <see cref="PreemptCount.HardirqOffset"/> added and
    /// interrupts disabled, then puts back the state it had before. A handler that returns with the count or the
    /// interrupt state changed (a lock left held, a save not restored) is reported to <paramref name="log"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Hardirqs are nested too deeply (15).</exception>
    public static void RunHardirq([InvokedInAtomicContext] Action handler, KernelLog log)
        => Run(handler, log, "hardirq", "irq_enter", PreemptCount.HardirqOffset, PreemptCount.HardirqMask, irqsOff: true);

    /// <summary>
    /// handle_softirqs(): runs <paramref name="handler"/> with <see cref="PreemptCount.SoftirqOffset"/> added (serving a
    /// softirq) and interrupts on, then puts back the state it had before, reporting a handler that changed it as Linux does
    /// ("huh, entered softirq … with preempt_count …, exited with …?").
    /// </summary>
    /// <exception cref="InvalidOperationException">A softirq is already being served on this thread (softirqs do not nest).</exception>
    public static void RunSoftirq([InvokedInAtomicContext] Action handler, KernelLog log)
    {
        if (PreemptCount.InServingSoftirq)
        {
            throw new InvalidOperationException("A softirq is already being served on this thread; softirqs do not nest.");
        }

        Run(handler, log, "softirq", "handle_softirqs", PreemptCount.SoftirqOffset, PreemptCount.SoftirqMask, irqsOff: false);
    }

    private static void Run(Action handler, KernelLog log, string kind, string entry, int offset, int mask, bool irqsOff)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(log);
        var outerCount = PreemptCount.Value;
        var outerIrqsDisabled = PreemptCount.IrqsDisabled;
        PreemptCount.Add(offset, mask, entry);
        PreemptCount.SetIrqsDisabled(irqsOff);
        var entered = PreemptCount.Value;
        try
        {
            handler();
        }
        finally
        {
            if (PreemptCount.Value != entered || PreemptCount.IrqsDisabled != irqsOff)
            {
                log.Print(
                    $"huh, entered {kind} handler {handler.Method.Name} with preempt_count {entered:x8}, exited with {PreemptCount.Value:x8}?"
                    + $"\nirqs_disabled(): {(irqsOff ? 1 : 0)} on entry, {(PreemptCount.IrqsDisabled ? 1 : 0)} on exit\n" + HeldLocks.Describe() + CallTrace.OfCaller());
            }

            PreemptCount.Set(outerCount);
            PreemptCount.SetIrqsDisabled(outerIrqsDisabled);
        }
    }
}

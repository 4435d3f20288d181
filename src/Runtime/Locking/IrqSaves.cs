namespace GfpAnalyzers.Runtime;

/// <summary>
/// The calling thread's outstanding <c>local_irq_save()</c>s, newest last: what lets a restore tell a value from a
/// matching save from a made-up, reused, foreign or out-of-order one.
/// </summary>
internal static class IrqSaves
{
    private static long s_nextId;

    [ThreadStatic]
    private static List<long>? t_outstanding;

    /// <summary>local_irq_save(): records the current state, then disables interrupts.</summary>
    public static IrqFlags Save()
    {
        var flags = new IrqFlags(Interlocked.Increment(ref s_nextId), PreemptCount.IrqsDisabled, Environment.CurrentManagedThreadId);
        (t_outstanding ??= []).Add(flags.Id);
        PreemptCount.SetIrqsDisabled(true);
        return flags;
    }

    /// <summary>Why restoring <paramref name="flags"/> now is wrong, or null when it is the newest outstanding save of this thread.</summary>
    public static string? CheckRestore(IrqFlags flags)
    {
        if (flags.Id == 0)
        {
            return "local_irq_restore() of flags that no local_irq_save() returned (default(IrqFlags))";
        }

        if (flags.ThreadId != Environment.CurrentManagedThreadId)
        {
            return $"local_irq_restore() of flags saved on another thread (managed thread {flags.ThreadId}); interrupt state is per CPU";
        }

        var outstanding = t_outstanding;
        var index = outstanding?.IndexOf(flags.Id) ?? -1;
        if (index < 0)
        {
            return $"local_irq_restore() of flags already restored ({flags})";
        }

        if (index != outstanding!.Count - 1)
        {
            return $"local_irq_restore() out of order: {outstanding.Count - 1 - index} later local_irq_save() still outstanding; restore them first";
        }

        return null;
    }

    /// <summary>
    /// CONFIG_DEBUG_IRQFLAGS's check: a restore with interrupts enabled means something enabled them inside the
    /// local_irq_save() section. Linux warns and restores anyway.
    /// </summary>
    public static string? BogusRestoreWarning()
        => PreemptCount.IrqsDisabled
            ? null
            : $"WARNING: CPU: 0 PID: {CurrentTask.Pid} at kernel/locking/irqflag-debug.c warn_bogus_irq_restore\n"
                + "raw_local_irq_restore() called with IRQs enabled";

    /// <summary>local_irq_restore(): puts back the saved state. The caller checked it with <see cref="CheckRestore"/>.</summary>
    public static void Restore(IrqFlags flags)
    {
        t_outstanding!.RemoveAt(t_outstanding.Count - 1);
        PreemptCount.SetIrqsDisabled(flags.IrqsDisabled);
    }
}

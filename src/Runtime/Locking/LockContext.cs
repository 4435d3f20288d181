namespace GfpAnalyzers.Runtime;

/// <summary>
/// What taking and releasing a lock of each <see cref="LockFlavor"/> does to the calling thread's
/// <see cref="PreemptCount"/> and interrupt state, exactly as include/linux/spinlock_api_smp.h does it.
/// </summary>
internal static class LockContext
{
    /// <summary>Raises the context for a lock of <paramref name="flavor"/>; returns the saved flags for irqsave.</summary>
    public static IrqFlags Enter(LockFlavor flavor, string primitive)
    {
        var flags = default(IrqFlags);
        switch (flavor)
        {
            case LockFlavor.Irq:
                PreemptCount.SetIrqsDisabled(true);
                break;
            case LockFlavor.IrqSave:
                flags = IrqSaves.Save();
                break;
            case LockFlavor.Bh:
                PreemptCount.Add(PreemptCount.SoftirqDisableOffset, PreemptCount.SoftirqMask, primitive);
                break;
        }

        try
        {
            PreemptCount.Add(PreemptCount.PreemptOffset, PreemptCount.PreemptMask, primitive);
        }
        catch (InvalidOperationException)
        {
            Undo(flavor, flags);
            throw;
        }

        return flags;
    }

    /// <summary>Why releasing a lock of <paramref name="flavor"/> with <paramref name="flags"/> would corrupt the context, or null.</summary>
    public static string? CheckExit(LockFlavor flavor, IrqFlags flags, IrqFlags savedFlags)
    {
        if (!PreemptCount.CanSub(PreemptCount.PreemptOffset, PreemptCount.PreemptMask))
        {
            return $"preempt_count 0x{PreemptCount.Value:x} has no preempt_disable() left to undo (a preempt_enable() inside the section?)";
        }

        if (flavor == LockFlavor.Bh && !PreemptCount.CanSub(PreemptCount.SoftirqDisableOffset, PreemptCount.SoftirqMask))
        {
            return $"preempt_count 0x{PreemptCount.Value:x} has no local_bh_disable() left to undo (a local_bh_enable() inside the section?)";
        }

        if (flavor == LockFlavor.IrqSave)
        {
            if (flags != savedFlags)
            {
                return flags.Id == 0
                    ? "the flags were not returned by a save (default(IrqFlags))"
                    : $"the flags are not the ones this lock's irqsave returned ({flags} instead of {savedFlags})";
            }

            return IrqSaves.CheckRestore(flags);
        }

        return null;
    }

    /// <summary>
    /// The spinning of spin locks and rwlocks: retries <paramref name="tryTake"/> (backing off to yielding and sleeping
    /// so a holder that is not running gets the CPU) until it succeeds or <paramref name="timeout"/> passes.
    /// </summary>
    /// <returns>Whether the lock was taken.</returns>
    public static bool SpinUntil(Func<bool> tryTake, TimeSpan timeout)
    {
        var spinner = new SpinWait();
        var started = Environment.TickCount64;
        while (!tryTake())
        {
            if (Environment.TickCount64 - started > timeout.TotalMilliseconds)
            {
                return false;
            }

            spinner.SpinOnce(sleep1Threshold: 20);
        }

        return true;
    }

    /// <summary>An irqrestore with interrupts enabled since the save: Linux's warning, printed before it restores anyway.</summary>
    public static void WarnBogusRestore(LockFlavor flavor, KernelLog log)
    {
        var warning = flavor == LockFlavor.IrqSave ? IrqSaves.BogusRestoreWarning() : null;
        if (warning is not null)
        {
            log.Print(warning + CallTrace.OfCaller());
        }
    }

    /// <summary>Lowers the context after the lock itself was released. The caller checked it with <see cref="CheckExit"/>.</summary>
    public static void Exit(LockFlavor flavor, IrqFlags flags)
    {
        Undo(flavor, flags);
        PreemptCount.Sub(PreemptCount.PreemptOffset, PreemptCount.PreemptMask, "preempt_enable");
    }

    private static void Undo(LockFlavor flavor, IrqFlags flags)
    {
        switch (flavor)
        {
            case LockFlavor.Irq:
                PreemptCount.SetIrqsDisabled(false);
                break;
            case LockFlavor.IrqSave:
                IrqSaves.Restore(flags);
                break;
            case LockFlavor.Bh:
                PreemptCount.Sub(PreemptCount.SoftirqDisableOffset, PreemptCount.SoftirqMask, "local_bh_enable");
                break;
        }
    }
}

namespace GfpAnalyzers.Runtime;

/// <summary>
/// <c>local_irq_disable()</c>/<c>local_irq_enable()</c> and <c>local_irq_save()</c>/<c>local_irq_restore()</c> on
/// the calling thread. Interrupts off is atomic context (<see cref="PreemptCount.IrqsDisabled"/>) without touching
/// the preempt count, as in Linux.
/// </summary>
public static class LocalIrq
{
    /// <summary>local_irq_disable(). Not counted: disabling twice needs one enable.</summary>
    public static void Disable() => PreemptCount.SetIrqsDisabled(true);

    /// <summary>local_irq_enable().</summary>
    public static void Enable() => PreemptCount.SetIrqsDisabled(false);

    /// <summary>local_irq_save(flags): returns the current state for <see cref="Restore"/>, then disables interrupts.</summary>
    public static IrqFlags Save() => IrqSaves.Save();

    /// <summary>local_irq_restore(flags): puts back the state saved by the matching <see cref="Save"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="flags"/> was not returned by a save on this thread, was already restored, is not the newest
    /// outstanding save, or interrupts were enabled since the save (Linux's "raw_local_irq_restore() called with IRQs enabled").
    /// Nothing changes.
    /// </exception>
    public static void Restore(IrqFlags flags) => RestoreCore(flags);

    /// <summary>guard(irq)(): disables interrupts until the guard is disposed (which enables them).</summary>
    public static IrqGuard Guard()
    {
        PreemptCount.SetIrqsDisabled(true);
        return new IrqGuard(true);
    }

    /// <summary>guard(irqsave)(): saves and disables interrupts until the guard is disposed (which restores them).</summary>
    public static IrqSaveGuard SaveGuard() => new(IrqSaves.Save());

    // The runtime's own code (guards) calls this, never the public Restore the analyzers check for balance.
    internal static void RestoreCore(IrqFlags flags)
    {
        var error = IrqSaves.CheckRestore(flags)
            ?? (IrqSaves.BogusRestoreWarning() is null ? null : "raw_local_irq_restore() called with IRQs enabled: interrupts were enabled inside the local_irq_save() section");
        if (error is not null)
        {
            throw new InvalidOperationException(error + ".");
        }

        IrqSaves.Restore(flags);
    }
}

/// <summary>The result of <see cref="LocalIrq.Guard"/>; disposing it is <see cref="LocalIrq.Enable"/>.</summary>
public readonly struct IrqGuard : IDisposable
{
    private readonly bool _active;

    internal IrqGuard(bool active) => _active = active;

    /// <summary>local_irq_enable().</summary>
    public void Dispose()
    {
        if (_active)
        {
            PreemptCount.SetIrqsDisabled(false);
        }
    }
}

/// <summary>The result of <see cref="LocalIrq.SaveGuard"/>; disposing it is <see cref="LocalIrq.Restore"/> of its flags.</summary>
public readonly struct IrqSaveGuard : IDisposable
{
    internal IrqSaveGuard(IrqFlags flags) => Flags = flags;

    /// <summary>The saved state the guard restores.</summary>
    public IrqFlags Flags { get; }

    /// <summary>local_irq_restore(flags).</summary>
    public void Dispose()
    {
        if (Flags.Id != 0)
        {
            LocalIrq.RestoreCore(Flags);
        }
    }
}

namespace GfpAnalyzers.Runtime;

/// <summary>
/// A held <see cref="KSpinLock"/> or <see cref="KRawSpinLock"/> (from <c>Lock</c>, <c>LockIrq</c> or <c>LockBh</c>);
/// disposing it releases the lock with the primitive matching how it was taken (<c>guard(spinlock)</c>).
/// Discard it and call the matching <c>Unlock</c> for the C style; do not do both.
/// </summary>
public readonly struct SpinLockGuard : IDisposable
{
    private readonly SpinLockCore? _core;
    private readonly LockFlavor _flavor;

    internal SpinLockGuard(SpinLockCore core, LockFlavor flavor)
    {
        _core = core;
        _flavor = flavor;
    }

    /// <summary>spin_unlock(), spin_unlock_irq() or spin_unlock_bh(), as the lock was taken.</summary>
    public void Dispose() => _core?.Unlock(_flavor, default);
}

/// <summary>
/// The result of <c>GuardIrqSave()</c> (<c>scoped_guard(spinlock_irqsave, &amp;lock)</c>): the lock is held with
/// interrupts saved and disabled; disposing it is <c>spin_unlock_irqrestore()</c> with the saved flags.
/// </summary>
public readonly struct SpinLockIrqSaveGuard : IDisposable
{
    private readonly SpinLockCore? _core;

    internal SpinLockIrqSaveGuard(SpinLockCore core, IrqFlags flags)
    {
        _core = core;
        Flags = flags;
    }

    /// <summary>The interrupt state saved when the lock was taken.</summary>
    public IrqFlags Flags { get; }

    /// <summary>spin_unlock_irqrestore(lock, flags).</summary>
    public void Dispose() => _core?.Unlock(LockFlavor.IrqSave, Flags);
}

namespace GfpAnalyzers.Runtime;

/// <summary>
/// Linux's <c>raw_spinlock_t</c>: a spin lock with real mutual exclusion between threads. Every way of taking it raises the calling
/// thread's <see cref="PreemptCount"/> (and disables interrupts or bottom halves for the _irq, _irqsave and _bh forms)
/// exactly as Linux does, so its section is atomic context: nothing in it may sleep.
/// Unlike spinlock_t it stays a spinning lock on PREEMPT_RT; the model treats both alike.
/// </summary>
/// <remarks>
/// The K prefix keeps the name apart from <see cref="System.Threading.SpinLock"/>, which every project imports.
/// Misuse (unlocking a lock that is not held or held by another thread, releasing with the wrong primitive, flags that
/// are not this lock's) is reported to <see cref="Log"/> in CONFIG_DEBUG_SPINLOCK's words and changes nothing.
/// Taking it again on the thread that holds it is reported and throws <see cref="InvalidOperationException"/>;
/// spinning longer than <see cref="SpinTimeout"/> on a lock another thread holds is reported as a lockup and throws
/// <see cref="TimeoutException"/>: nothing hangs.
/// </remarks>
public sealed class KRawSpinLock
{
    private readonly SpinLockCore _core;

    /// <summary>DEFINE_SPINLOCK(name): creates an unlocked lock that reports to <paramref name="log"/> (or a log of its own).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public KRawSpinLock(string name = "raw_spinlock_t", KernelLog? log = null) => _core = new SpinLockCore(name, PrimitiveNames.RawSpin, log);

    /// <summary>The lock's name in reports.</summary>
    public string Name => _core.Name;

    /// <summary>Where misuse is reported.</summary>
    public KernelLog Log => _core.Log;

    /// <summary>How long taking the lock spins while another thread holds it before a lockup is reported (default 10 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan SpinTimeout
    {
        get => _core.SpinTimeout;
        init => _core.SpinTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The spin timeout must be positive.");
    }

    /// <summary>raw_spin_is_locked(): whether any thread holds the lock.</summary>
    public bool IsLocked => _core.IsLocked;

    /// <summary>raw_spin_lock(): preempt_disable(), then takes the lock. Dispose the guard or call <see cref="Unlock"/>.</summary>
    public SpinLockGuard Lock()
    {
        _core.Lock(LockFlavor.Plain);
        return new SpinLockGuard(_core, LockFlavor.Plain);
    }

    /// <summary>raw_spin_unlock(): releases a lock taken with <see cref="Lock"/> or <see cref="TryLock"/>, then preempt_enable().</summary>
    public void Unlock() => _core.Unlock(LockFlavor.Plain, default);

    /// <summary>raw_spin_lock_irqsave(lock, flags): saves and disables interrupts, preempt_disable(), takes the lock.</summary>
    /// <returns>The saved interrupt state, to hand to <see cref="UnlockIrqRestore"/>.</returns>
    public IrqFlags LockIrqSave() => _core.Lock(LockFlavor.IrqSave);

    /// <summary>raw_spin_unlock_irqrestore(lock, flags): releases, restores the interrupt state saved by <see cref="LockIrqSave"/>, preempt_enable().</summary>
    public void UnlockIrqRestore(IrqFlags flags) => _core.Unlock(LockFlavor.IrqSave, flags);

    /// <summary>raw_spin_lock_irq(): disables interrupts, preempt_disable(), takes the lock.</summary>
    public SpinLockGuard LockIrq()
    {
        _core.Lock(LockFlavor.Irq);
        return new SpinLockGuard(_core, LockFlavor.Irq);
    }

    /// <summary>raw_spin_unlock_irq(): releases, enables interrupts, preempt_enable().</summary>
    public void UnlockIrq() => _core.Unlock(LockFlavor.Irq, default);

    /// <summary>raw_spin_lock_bh(): disables bottom halves (SOFTIRQ_LOCK_OFFSET), takes the lock.</summary>
    public SpinLockGuard LockBh()
    {
        _core.Lock(LockFlavor.Bh);
        return new SpinLockGuard(_core, LockFlavor.Bh);
    }

    /// <summary>raw_spin_unlock_bh(): releases, enables bottom halves.</summary>
    public void UnlockBh() => _core.Unlock(LockFlavor.Bh, default);

    /// <summary>raw_spin_trylock(): takes the lock if it is free, without spinning; release with <see cref="Unlock"/>.</summary>
    /// <returns>Whether the lock was taken (when false, nothing changed).</returns>
    public bool TryLock() => _core.TryLock(LockFlavor.Plain, out _);

    /// <summary>raw_spin_trylock_irqsave(lock, flags): <see cref="TryLock"/> with interrupts saved and disabled; release with <see cref="UnlockIrqRestore"/>.</summary>
    /// <returns>Whether the lock was taken (when false, nothing changed and <paramref name="flags"/> is default).</returns>
    public bool TryLockIrqSave(out IrqFlags flags) => _core.TryLock(LockFlavor.IrqSave, out flags);

    /// <summary>scoped_guard(raw_spinlock_irqsave, &amp;lock): <see cref="LockIrqSave"/> until the guard is disposed.</summary>
    public SpinLockIrqSaveGuard GuardIrqSave() => new(_core, _core.Lock(LockFlavor.IrqSave));

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({(IsLocked ? "locked" : "unlocked")})";
}

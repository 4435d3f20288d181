namespace GfpAnalyzers.Runtime;

/// <summary>
/// Linux's <c>rwlock_t</c>: a spinning reader-writer lock with real exclusion between threads (many readers or one
/// writer). Both sides raise the calling thread's <see cref="PreemptCount"/> like a spin lock (and disable interrupts
/// or bottom halves for the _irq, _irqsave and _bh forms), so both sections are atomic context.
/// </summary>
/// <remarks>
/// The K prefix keeps the name apart from System.Threading's lock types. Misuse (unlocking a side that is not held,
/// releasing with the wrong primitive, flags that are not this lock's) is reported to <see cref="Log"/> and changes
/// nothing; re-taking the write side (or any side while writing) on the same thread is reported and throws
/// <see cref="InvalidOperationException"/>; waiting longer than <see cref="SpinTimeout"/> is reported and throws
/// <see cref="TimeoutException"/>.
/// </remarks>
public sealed class KRwLock
{
    private readonly RwLockCore _core;

    /// <summary>DEFINE_RWLOCK(name): creates an unlocked lock that reports to <paramref name="log"/> (or a log of its own).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public KRwLock(string name = "rwlock_t", KernelLog? log = null) => _core = new RwLockCore(name, log);

    /// <summary>The lock's name in reports.</summary>
    public string Name => _core.Name;

    /// <summary>Where misuse is reported.</summary>
    public KernelLog Log => _core.Log;

    /// <summary>How long taking a side spins while it is unavailable before a lockup is reported (default 10 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan SpinTimeout
    {
        get => _core.SpinTimeout;
        init => _core.SpinTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The spin timeout must be positive.");
    }

    /// <summary>How many read-side holds are outstanding (over all threads).</summary>
    public int Readers => _core.Readers;

    /// <summary>Whether a thread holds the write side.</summary>
    public bool IsWriteLocked => _core.WriteLocked;

    /// <summary>read_lock(): preempt_disable(), then takes the read side. Dispose the guard or call <see cref="ReadUnlock"/>.</summary>
    public RwLockGuard ReadLock() => Guarded(write: false, LockFlavor.Plain);

    /// <summary>read_unlock().</summary>
    public void ReadUnlock() => _core.Unlock(write: false, LockFlavor.Plain, default);

    /// <summary>write_lock(): preempt_disable(), then takes the write side. Dispose the guard or call <see cref="WriteUnlock"/>.</summary>
    public RwLockGuard WriteLock() => Guarded(write: true, LockFlavor.Plain);

    /// <summary>write_unlock().</summary>
    public void WriteUnlock() => _core.Unlock(write: true, LockFlavor.Plain, default);

    /// <summary>read_lock_irqsave(lock, flags).</summary>
    /// <returns>The saved interrupt state, to hand to <see cref="ReadUnlockIrqRestore"/>.</returns>
    public IrqFlags ReadLockIrqSave() => _core.Lock(write: false, LockFlavor.IrqSave, tryOnly: false, out _);

    /// <summary>read_unlock_irqrestore(lock, flags).</summary>
    public void ReadUnlockIrqRestore(IrqFlags flags) => _core.Unlock(write: false, LockFlavor.IrqSave, flags);

    /// <summary>write_lock_irqsave(lock, flags).</summary>
    /// <returns>The saved interrupt state, to hand to <see cref="WriteUnlockIrqRestore"/>.</returns>
    public IrqFlags WriteLockIrqSave() => _core.Lock(write: true, LockFlavor.IrqSave, tryOnly: false, out _);

    /// <summary>write_unlock_irqrestore(lock, flags).</summary>
    public void WriteUnlockIrqRestore(IrqFlags flags) => _core.Unlock(write: true, LockFlavor.IrqSave, flags);

    /// <summary>read_lock_irq().</summary>
    public RwLockGuard ReadLockIrq() => Guarded(write: false, LockFlavor.Irq);

    /// <summary>read_unlock_irq().</summary>
    public void ReadUnlockIrq() => _core.Unlock(write: false, LockFlavor.Irq, default);

    /// <summary>write_lock_irq().</summary>
    public RwLockGuard WriteLockIrq() => Guarded(write: true, LockFlavor.Irq);

    /// <summary>write_unlock_irq().</summary>
    public void WriteUnlockIrq() => _core.Unlock(write: true, LockFlavor.Irq, default);

    /// <summary>read_lock_bh().</summary>
    public RwLockGuard ReadLockBh() => Guarded(write: false, LockFlavor.Bh);

    /// <summary>read_unlock_bh().</summary>
    public void ReadUnlockBh() => _core.Unlock(write: false, LockFlavor.Bh, default);

    /// <summary>write_lock_bh().</summary>
    public RwLockGuard WriteLockBh() => Guarded(write: true, LockFlavor.Bh);

    /// <summary>write_unlock_bh().</summary>
    public void WriteUnlockBh() => _core.Unlock(write: true, LockFlavor.Bh, default);

    /// <summary>read_trylock(): takes the read side if no writer holds it; release with <see cref="ReadUnlock"/>.</summary>
    /// <returns>Whether it was taken (when false, nothing changed).</returns>
    public bool TryReadLock()
    {
        _core.Lock(write: false, LockFlavor.Plain, tryOnly: true, out var taken);
        return taken;
    }

    /// <summary>write_trylock(): takes the write side if nobody holds the lock; release with <see cref="WriteUnlock"/>.</summary>
    /// <returns>Whether it was taken (when false, nothing changed).</returns>
    public bool TryWriteLock()
    {
        _core.Lock(write: true, LockFlavor.Plain, tryOnly: true, out var taken);
        return taken;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({(IsWriteLocked ? "write-locked" : $"{Readers} readers")})";

    private RwLockGuard Guarded(bool write, LockFlavor flavor)
    {
        _core.Lock(write, flavor, tryOnly: false, out _);
        return new RwLockGuard(_core, write, flavor);
    }
}

/// <summary>
/// A held side of a <see cref="KRwLock"/>; disposing it releases that side with the primitive matching how it was
/// taken (<c>guard(read_lock)</c>, <c>guard(write_lock_irq)</c>, …). Discard it and call the matching unlock for the C style.
/// </summary>
public readonly struct RwLockGuard : IDisposable
{
    private readonly RwLockCore? _core;
    private readonly bool _write;
    private readonly LockFlavor _flavor;

    internal RwLockGuard(RwLockCore core, bool write, LockFlavor flavor)
    {
        _core = core;
        _write = write;
        _flavor = flavor;
    }

    /// <summary>Releases the side this guard holds.</summary>
    public void Dispose() => _core?.Unlock(_write, _flavor, default);
}

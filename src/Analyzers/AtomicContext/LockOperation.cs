namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>Which kind of lock (and so which atomic context) a call takes or releases.</summary>
internal enum LockFamily
{
    /// <summary><c>Rcu.ReadLock()</c>: rcu_read_lock.</summary>
    Rcu,

    /// <summary><c>KSpinLock</c>: spinlock_t.</summary>
    SpinLock,

    /// <summary><c>KRawSpinLock</c>: raw_spinlock_t.</summary>
    RawSpinLock,

    /// <summary><c>KRwLock</c>: rwlock_t (read and write sides).</summary>
    RwLock,

    /// <summary><c>Preempt.Disable()</c>: preempt_disable.</summary>
    Preempt,

    /// <summary><c>LocalIrq.Disable()</c> / <c>Save()</c>: local_irq_disable / local_irq_save.</summary>
    LocalIrq,

    /// <summary><c>LocalBh.Disable()</c>: local_bh_disable.</summary>
    LocalBh,

    /// <summary><c>Scheduler.LockRunqueue()</c>: the runqueue lock, a scheduler lock.</summary>
    Runqueue,

    /// <summary>A lock named by <c>[LockHeld("name")]</c> whose type the method does not show.</summary>
    Named,
}

/// <summary>The flavour of a spinlock-like primitive: <c>spin_lock</c>, <c>_irqsave</c>, <c>_irq</c>, <c>_bh</c>.</summary>
internal enum LockVariant
{
    Plain,
    IrqSave,
    Irq,
    Bh,
}

/// <summary>For rwlocks: the read or the write side.</summary>
internal enum LockSide
{
    None,
    Read,
    Write,
}

internal enum LockRole
{
    Acquire,

    /// <summary><c>TryLock()</c> and friends: the lock is held only where the call returned true.</summary>
    TryAcquire,

    Release,
}

/// <summary>
/// What one runtime lock method does (from the table in <see cref="LockTypes"/>): its role, the lock family, the
/// variant and side, the Linux primitive it stands for, and for an acquire the release that must pair with it.
/// </summary>
internal sealed class LockOperation
{
    public LockOperation(LockRole role, LockFamily family, LockSide side, LockVariant variant, string methodName, string linuxName, string releaseName,
        bool isVariantKnown = true)
    {
        IsVariantKnown = isVariantKnown;
        Role = role;
        Family = family;
        Side = side;
        Variant = variant;
        MethodName = methodName;
        LinuxName = linuxName;
        ReleaseName = releaseName;
    }

    public LockRole Role { get; }

    public LockFamily Family { get; }

    public LockSide Side { get; }

    public LockVariant Variant { get; }

    /// <summary>The runtime method: "LockIrqSave".</summary>
    public string MethodName { get; }

    /// <summary>The Linux primitive: "spin_lock_irqsave", "raw_spin_lock", "read_lock_bh", "local_irq_save".</summary>
    public string LinuxName { get; }

    /// <summary>For an acquire, the release that pairs with it ("UnlockIrqRestore"); for a release, its own name.</summary>
    public string ReleaseName { get; }

    /// <summary>The release hands back saved interrupt flags (<c>UnlockIrqRestore(flags)</c>, <c>LocalIrq.Restore(flags)</c>).</summary>
    public bool RestoresFlags => Role == LockRole.Release && Variant == LockVariant.IrqSave;

    /// <summary>
    /// False for a lock helper of another assembly (<see cref="LibraryLockHelpers"/>): its annotation names the lock, and
    /// the lock's type its family, but not which variant (or rwlock side) the helper uses.
    /// </summary>
    public bool IsVariantKnown { get; }

    /// <summary>A release of this kind is the right one for a lock taken by <paramref name="acquire"/> (any, when either's variant is unknown).</summary>
    public bool Pairs(LockOperation acquire)
        => Family == acquire.Family && (!IsVariantKnown || !acquire.IsVariantKnown || (Side == acquire.Side && Variant == acquire.Variant));

    /// <summary>A family's acquire or release of an unknown variant, named for the family ("spin_lock", "rwlock").</summary>
    public static LockOperation OfUnknownVariant(LockRole role, LockFamily family, string linuxName)
        => new(role, family, LockSide.None, LockVariant.Plain, role == LockRole.Release ? "Unlock" : "Lock", linuxName, "Unlock", isVariantKnown: false);

    /// <summary>One static lock for the whole family (there is one preempt count, one RCU, one runqueue lock here).</summary>
    public static string? Domain(LockFamily family) => family switch
    {
        LockFamily.Rcu => "rcu",
        LockFamily.Preempt => "preempt",
        LockFamily.LocalIrq => "irq",
        LockFamily.LocalBh => "bh",
        LockFamily.Runqueue => "runqueue",
        _ => null,
    };
}

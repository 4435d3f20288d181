namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// <see cref="KSpinLock"/> and <see cref="KRawSpinLock"/> have the same members but no common type: this adapter lets
/// one theory exercise both.
/// </summary>
public sealed class SpinLockKind
{
    private SpinLockKind(string name) => KindName = name;

    public string KindName { get; }

    public required Func<SpinLockGuard> Lock { get; init; }
    public required Action Unlock { get; init; }
    public required Func<IrqFlags> LockIrqSave { get; init; }
    public required Action<IrqFlags> UnlockIrqRestore { get; init; }
    public required Func<SpinLockGuard> LockIrq { get; init; }
    public required Action UnlockIrq { get; init; }
    public required Func<SpinLockGuard> LockBh { get; init; }
    public required Action UnlockBh { get; init; }
    public required Func<bool> TryLock { get; init; }
    public required Func<SpinLockIrqSaveGuard> GuardIrqSave { get; init; }
    public required Func<bool> IsLocked { get; init; }
    public required KernelLog Log { get; init; }

    /// <summary>The C prefix of its primitives in reports.</summary>
    public required string Prefix { get; init; }

    public static SpinLockKind Spin(string name = "test_lock", int spinTimeoutMs = 10_000)
    {
        var l = new KSpinLock(name) { SpinTimeout = TimeSpan.FromMilliseconds(spinTimeoutMs) };
        return new SpinLockKind("spinlock_t")
        {
            Lock = l.Lock, Unlock = l.Unlock, LockIrqSave = l.LockIrqSave, UnlockIrqRestore = l.UnlockIrqRestore,
            LockIrq = l.LockIrq, UnlockIrq = l.UnlockIrq, LockBh = l.LockBh, UnlockBh = l.UnlockBh, TryLock = l.TryLock,
            GuardIrqSave = l.GuardIrqSave, IsLocked = () => l.IsLocked, Log = l.Log, Prefix = "spin",
        };
    }

    public static SpinLockKind Raw(string name = "test_lock", int spinTimeoutMs = 10_000)
    {
        var l = new KRawSpinLock(name) { SpinTimeout = TimeSpan.FromMilliseconds(spinTimeoutMs) };
        return new SpinLockKind("raw_spinlock_t")
        {
            Lock = l.Lock, Unlock = l.Unlock, LockIrqSave = l.LockIrqSave, UnlockIrqRestore = l.UnlockIrqRestore,
            LockIrq = l.LockIrq, UnlockIrq = l.UnlockIrq, LockBh = l.LockBh, UnlockBh = l.UnlockBh, TryLock = l.TryLock,
            GuardIrqSave = l.GuardIrqSave, IsLocked = () => l.IsLocked, Log = l.Log, Prefix = "raw_spin",
        };
    }

    public static SpinLockKind Create(string kind, int spinTimeoutMs = 10_000)
        => kind == "raw" ? Raw(spinTimeoutMs: spinTimeoutMs) : Spin(spinTimeoutMs: spinTimeoutMs);

    public static TheoryData<string> Kinds => new() { "spin", "raw" };

    public override string ToString() => KindName;
}

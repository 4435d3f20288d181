namespace GfpAnalyzers.Runtime;

/// <summary>
/// The C names of one lock family's primitives for each <see cref="LockFlavor"/> (<c>spin_lock_irqsave</c>,
/// <c>raw_spin_trylock</c>, <c>write_unlock_bh</c>, …), built once so that taking a lock allocates no string.
/// </summary>
internal sealed class PrimitiveNames
{
    public static readonly PrimitiveNames Spin = new("spin");
    public static readonly PrimitiveNames RawSpin = new("raw_spin");
    public static readonly PrimitiveNames Read = new("read");
    public static readonly PrimitiveNames Write = new("write");

    private readonly string[] _lock;
    private readonly string[] _trylock;
    private readonly string[] _unlock;

    private PrimitiveNames(string prefix)
    {
        var flavors = Enum.GetValues<LockFlavor>();
        _lock = flavors.Select(f => prefix + "_lock" + Suffix(f)).ToArray();
        _trylock = flavors.Select(f => prefix + "_trylock" + Suffix(f)).ToArray();
        _unlock = flavors.Select(f => prefix + "_unlock" + (f == LockFlavor.IrqSave ? "_irqrestore" : Suffix(f))).ToArray();
    }

    /// <summary>e.g. <c>spin_lock_irqsave</c>.</summary>
    public string Lock(LockFlavor flavor) => _lock[(int)flavor];

    /// <summary>e.g. <c>spin_trylock_irqsave</c>.</summary>
    public string TryLock(LockFlavor flavor) => _trylock[(int)flavor];

    /// <summary>e.g. <c>spin_unlock_irqrestore</c>.</summary>
    public string Unlock(LockFlavor flavor) => _unlock[(int)flavor];

    private static string Suffix(LockFlavor flavor) => flavor switch
    {
        LockFlavor.Irq => "_irq",
        LockFlavor.Bh => "_bh",
        LockFlavor.IrqSave => "_irqsave",
        _ => "",
    };
}

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The <c>unsigned long flags</c> of <c>local_irq_save(flags)</c>/<c>spin_lock_irqsave(lock, flags)</c>: the interrupt
/// state before the save, which must be handed back to the matching restore. Opaque: only a save produces a valid one,
/// it is valid once, on the thread that saved it, and saves are restored last-saved first.
/// <c>default(IrqFlags)</c> is not a saved state.
/// </summary>
public readonly struct IrqFlags : IEquatable<IrqFlags>
{
    internal IrqFlags(long id, bool irqsWereDisabled, int threadId)
    {
        Id = id;
        IrqsDisabled = irqsWereDisabled;
        ThreadId = threadId;
    }

    /// <summary>irqs_disabled_flags(flags): whether interrupts were already disabled when the state was saved.</summary>
    public bool IrqsDisabled { get; }

    /// <summary>Which save produced this value (0: none).</summary>
    internal long Id { get; }

    /// <summary>The managed thread that saved it.</summary>
    internal int ThreadId { get; }

    /// <inheritdoc/>
    public bool Equals(IrqFlags other) => Id == other.Id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IrqFlags other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Id.GetHashCode();

    /// <summary>Whether both values come from the same save.</summary>
    public static bool operator ==(IrqFlags left, IrqFlags right) => left.Equals(right);

    /// <summary>Whether the values come from different saves.</summary>
    public static bool operator !=(IrqFlags left, IrqFlags right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Id == 0 ? "IrqFlags(not saved)" : $"IrqFlags(save #{Id}, irqs {(IrqsDisabled ? "disabled" : "enabled")})";
}

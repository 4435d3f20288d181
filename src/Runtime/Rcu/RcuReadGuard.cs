namespace GfpAnalyzers.Runtime;

/// <summary>The result of <see cref="Rcu.ReadLock"/>; disposing it is <see cref="Rcu.ReadUnlock"/>.</summary>
public readonly struct RcuReadGuard : IDisposable
{
    private readonly Rcu? _rcu;

    internal RcuReadGuard(Rcu rcu) => _rcu = rcu;

    /// <summary>Leaves the read-side section (rcu_read_unlock()).</summary>
    /// <remarks>It runs inside the section that <see cref="Rcu.ReadLock"/> entered, hence <see cref="RcuReadLockHeldAttribute"/>.</remarks>
    [RcuReadLockHeld]
    public void Dispose() => _rcu?.ReadUnlock();
}

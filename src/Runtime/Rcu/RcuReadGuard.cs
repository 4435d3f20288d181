namespace GfpAnalyzers.Runtime;

/// <summary>The result of <see cref="Rcu.ReadLock"/>; disposing it is <see cref="Rcu.ReadUnlock"/>.</summary>
public readonly struct RcuReadGuard : IDisposable
{
    private readonly Rcu? _rcu;

    internal RcuReadGuard(Rcu rcu) => _rcu = rcu;

    /// <summary>Leaves the read-side section (rcu_read_unlock()).</summary>
    public void Dispose() => _rcu?.ReadUnlock();
}

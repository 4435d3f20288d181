namespace GfpAnalyzers.Runtime;

/// <summary>RCU: read-side critical sections and grace periods. (Skeleton: the runtime issue fills this in.)</summary>
public sealed class Rcu
{
    /// <summary>rcu_read_lock(): enters a read-side section; dispose the guard (or call <see cref="ReadUnlock"/>) to leave it.</summary>
    public RcuReadGuard ReadLock() => throw new NotImplementedException();

    /// <summary>rcu_read_unlock().</summary>
    public void ReadUnlock() => throw new NotImplementedException();

    /// <summary>synchronize_rcu(): waits for every reader that started before it.</summary>
    public void Synchronize() => throw new NotImplementedException();

    /// <summary>rcu_read_lock_held() for the calling thread.</summary>
    public bool ReadLockHeld => throw new NotImplementedException();
}

/// <summary>The result of <see cref="Rcu.ReadLock"/>; disposing it is <see cref="Rcu.ReadUnlock"/>.</summary>
public readonly struct RcuReadGuard : IDisposable
{
    private readonly Rcu? _rcu;

    internal RcuReadGuard(Rcu rcu) => _rcu = rcu;

    /// <summary>Leaves the read-side section (rcu_read_unlock()).</summary>
    public void Dispose() => _rcu?.ReadUnlock();
}

/// <summary>An RCU-protected pointer (<c>__rcu</c>). (Skeleton: the runtime issue fills this in.)</summary>
public sealed class RcuPointer<T> where T : class
{
    /// <summary>rcu_dereference(): must be called inside a read-side section.</summary>
    public T? Dereference() => throw new NotImplementedException();

    /// <summary>rcu_assign_pointer().</summary>
    public void Assign(T? value) => throw new NotImplementedException();
}

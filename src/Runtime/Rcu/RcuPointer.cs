namespace GfpAnalyzers.Runtime;

/// <summary>
/// An RCU-protected pointer (<c>__rcu</c>): readers load it with <see cref="Dereference"/> inside a read-side
/// section, updaters publish with <see cref="Assign"/> and wait out old readers with <see cref="Rcu.Synchronize"/>.
/// </summary>
public sealed class RcuPointer<T> where T : class
{
    private readonly Rcu? _checker;
    private T? _value;

    /// <summary>Creates a null pointer without lockdep checking.</summary>
    public RcuPointer() { }

    /// <summary>
    /// Creates a pointer whose <see cref="Dereference"/> outside a read-side section is reported to
    /// <paramref name="rcu"/>'s log (CONFIG_PROVE_RCU).
    /// </summary>
    public RcuPointer(Rcu rcu)
    {
        ArgumentNullException.ThrowIfNull(rcu);
        _checker = rcu;
    }

    /// <summary>rcu_dereference(): must be called inside a read-side section.</summary>
    public T? Dereference()
    {
        if (_checker is not null && RcuReaders.CurrentDepth == 0)
        {
            _checker.ReportSuspiciousDereference();
        }

        return Volatile.Read(ref _value);
    }

    /// <summary>rcu_assign_pointer(): publishes <paramref name="value"/> (release ordering).</summary>
    public void Assign(T? value) => Volatile.Write(ref _value, value);

    /// <summary>rcu_access_pointer(): reads the value without dereferencing it (allowed outside a section).</summary>
    public T? Access() => Volatile.Read(ref _value);
}

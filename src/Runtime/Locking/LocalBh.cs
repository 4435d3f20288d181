namespace GfpAnalyzers.Runtime;

/// <summary>
/// <c>local_bh_disable()</c>/<c>local_bh_enable()</c>: bottom halves (softirqs) off on the calling thread.
/// Each disable adds <see cref="PreemptCount.SoftirqDisableOffset"/> to <see cref="PreemptCount"/>, so the section is
/// atomic context and <see cref="PreemptCount.InSoftirq"/> holds.
/// </summary>
public static class LocalBh
{
    /// <summary>local_bh_disable().</summary>
    /// <exception cref="InvalidOperationException">The softirq field would overflow.</exception>
    public static void Disable() => DisableCore();

    /// <summary>local_bh_enable().</summary>
    /// <exception cref="InvalidOperationException">Bottom halves are not disabled (nothing changes).</exception>
    public static void Enable() => EnableCore();

    /// <summary>guard(local_bh)(): disables bottom halves until the guard is disposed.</summary>
    public static BhGuard Guard()
    {
        DisableCore();
        return new BhGuard(true);
    }

    // The runtime's own code (guards) calls these, never the public pair the analyzers check for balance.
    internal static void DisableCore() => PreemptCount.Add(PreemptCount.SoftirqDisableOffset, PreemptCount.SoftirqMask, "local_bh_disable");

    internal static void EnableCore() => PreemptCount.Sub(PreemptCount.SoftirqDisableOffset, PreemptCount.SoftirqMask, "local_bh_enable");
}

/// <summary>The result of <see cref="LocalBh.Guard"/>; disposing it is <see cref="LocalBh.Enable"/>.</summary>
public readonly struct BhGuard : IDisposable
{
    private readonly bool _active;

    internal BhGuard(bool active) => _active = active;

    /// <summary>local_bh_enable().</summary>
    public void Dispose()
    {
        if (_active)
        {
            LocalBh.EnableCore();
        }
    }
}

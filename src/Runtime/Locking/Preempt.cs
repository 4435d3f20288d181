namespace GfpAnalyzers.Runtime;

/// <summary>
/// <c>preempt_disable()</c>/<c>preempt_enable()</c> on the calling thread's <see cref="PreemptCount"/>.
/// Code between them is atomic context: it must not sleep.
/// </summary>
public static class Preempt
{
    /// <summary>preempt_disable(): adds <see cref="PreemptCount.PreemptOffset"/>.</summary>
    /// <exception cref="InvalidOperationException">The preemption depth field (255) would overflow.</exception>
    public static void Disable() => DisableCore();

    /// <summary>preempt_enable(): subtracts <see cref="PreemptCount.PreemptOffset"/>.</summary>
    /// <exception cref="InvalidOperationException">Preemption is not disabled (nothing changes).</exception>
    public static void Enable() => EnableCore();

    /// <summary>guard(preempt)(): disables preemption until the guard is disposed.</summary>
    public static PreemptGuard Guard()
    {
        DisableCore();
        return new PreemptGuard(true);
    }

    // The runtime's own code (guards) calls these, never the public pair the analyzers check for balance.
    internal static void DisableCore() => PreemptCount.Add(PreemptCount.PreemptOffset, PreemptCount.PreemptMask, "preempt_disable");

    internal static void EnableCore() => PreemptCount.Sub(PreemptCount.PreemptOffset, PreemptCount.PreemptMask, "preempt_enable");
}

/// <summary>The result of <see cref="Preempt.Guard"/>; disposing it is <see cref="Preempt.Enable"/>.</summary>
public readonly struct PreemptGuard : IDisposable
{
    private readonly bool _active;

    internal PreemptGuard(bool active) => _active = active;

    /// <summary>preempt_enable().</summary>
    public void Dispose()
    {
        if (_active)
        {
            Preempt.EnableCore();
        }
    }
}

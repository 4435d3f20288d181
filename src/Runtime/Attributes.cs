namespace GfpAnalyzers.Runtime;

/// <summary>
/// The method's body runs inside an RCU read-side critical section that its caller entered
/// (Linux's <c>__must_hold(RCU)</c>). Allocations in it must not sleep.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class RcuReadLockHeldAttribute : Attribute;

/// <summary>
/// The method enters an RCU read-side critical section and returns with it held, for its caller to release
/// (Linux's <c>__acquires(RCU)</c>, e.g. a seq_file <c>start</c> whose <c>stop</c> unlocks): rule GFP008 does not
/// report the lock it leaves held when it returns. A call to it opens a section in its caller (in another project too),
/// which the caller must end.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AcquiresRcuReadLockAttribute : Attribute;

/// <summary>The method may sleep (Linux's <c>might_sleep()</c>); it must not be called in atomic context.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class MightSleepAttribute : Attribute;

/// <summary>
/// The method runs inside the page allocator's own allocation path (an allocation hook, like the
/// early-PFN tracker's recorder). It may be reached from any allocation, including ones made with
/// scheduler locks held: it must neither sleep nor wake kswapd, and its own allocations must carry
/// <see cref="Gfp.NoCodetag"/> so they do not re-enter the hook.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = false)]
public sealed class AllocationHookAttribute : Attribute;

/// <summary>
/// Pages stored here (a field, property or parameter, or a method's return value) were allocated with
/// <see cref="Gfp.NoCodetag"/>: they carry no codetag, so <c>ClearPageTagRef</c> must be called on them
/// before they are freed. It tells the analyzers (rule GFP004) where a page that outlives the method that
/// allocated it came from, as the early-PFN tracker's pool pages do.
/// </summary>
/// <remarks>
/// GFP004 checks every free of a page read from here: directly (<c>FreePage(node.Page)</c>), through a local it was
/// copied to, or taken with <c>Interlocked.Exchange</c>/<c>CompareExchange</c> or <c>Volatile.Read</c>. Two reads of
/// the same location denote the same page until the location or its receiver is assigned. Frees of an annotated
/// parameter are reported inside the method, not at its callers. See docs/rules/GFP004.md.
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.ReturnValue, Inherited = false)]
public sealed class NoCodetagPagesAttribute : Attribute;

/// <summary>
/// The member runs with the lock <see cref="LockName"/> held by its caller (Linux's <c>__must_hold(l)</c> /
/// <c>lockdep_assert_held(l)</c>): it is atomic context when that lock is a spin lock, so nothing in it may sleep.
/// </summary>
/// <remarks>
/// Write the name of the field, property or parameter that holds the lock (<c>[LockHeld(nameof(_lock))]</c>), or
/// <c>"rcu"</c> for an RCU read-side section, or <c>"runqueue"</c> for the scheduler's runqueue lock.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class LockHeldAttribute(string lockName) : Attribute
{
    /// <summary>The field, property or parameter holding the lock, or <c>"rcu"</c> / <c>"runqueue"</c>.</summary>
    public string LockName { get; } = lockName;
}

/// <summary>The member runs with interrupts disabled (its caller disabled them): atomic context, nothing in it may sleep.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class IrqsDisabledAttribute : Attribute;

/// <summary>
/// The member is called in atomic context: from an interrupt handler, a timer or a softirq. Nothing in it may sleep.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class RunsInAtomicContextAttribute : Attribute;

/// <summary>
/// The method takes the lock <see cref="LockName"/> and returns holding it, for its caller to release (Linux's
/// <c>__acquires(l)</c>). Name the lock as for <see cref="LockHeldAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class AcquiresLockAttribute(string lockName) : Attribute
{
    /// <summary>The field, property or parameter holding the lock, or <c>"rcu"</c> / <c>"runqueue"</c>.</summary>
    public string LockName { get; } = lockName;
}

/// <summary>
/// The method is called holding the lock <see cref="LockName"/> and returns having released it (Linux's
/// <c>__releases(l)</c>). Name the lock as for <see cref="LockHeldAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ReleasesLockAttribute(string lockName) : Attribute
{
    /// <summary>The field, property or parameter holding the lock, or <c>"rcu"</c> / <c>"runqueue"</c>.</summary>
    public string LockName { get; } = lockName;
}

/// <summary>
/// The delegate passed to this parameter is invoked in atomic context (as a timer callback, an interrupt handler or
/// under a lock the callee holds): the lambda or method passed must not sleep.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class InvokedInAtomicContextAttribute : Attribute;

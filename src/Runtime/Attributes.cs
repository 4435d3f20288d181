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
/// report the lock it leaves held when it returns. Its callers are not told that a section begins at the call.
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

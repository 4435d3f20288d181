using System;
using GfpAnalyzers.Analyzers.AtomicContext;

namespace GfpAnalyzers.Analyzers.Options;

/// <summary>
/// Where a kswapd wake-up counts, under <c>gfp_analyzers.GFP002.scope</c>: one decision shared by GFP002/GFP003 and by
/// what the analyzers tell the code fixes (so a fix never writes <c>Gfp.Atomic</c> where GFP002 would report it).
/// </summary>
internal static class KswapdWakeups
{
    /// <summary>
    /// Diagnostic property for the code fixes: "True" where a fix must not wake kswapd — GFP002 reports a wake-up there
    /// under the effective configuration, or scheduler locks may be held (a wake-up can deadlock whatever the scope says).
    /// </summary>
    public const string AvoidProperty = "AvoidKswapdWakeup";

    /// <summary>The context GFP002 names for a wake-up in <paramref name="atomic"/>, or null where it does not report one.</summary>
    public static AtomicContext.AtomicContext? ReportedIn(KswapdScope scope, AtomicContext.AtomicContext atomic, Func<AtomicContext.AtomicContext?> schedulerLockContext)
        => scope switch
        {
            KswapdScope.All => atomic,
            KswapdScope.AllocationHooks => atomic.Kind == AtomicContextKind.AllocationHook ? atomic : null,
            _ => schedulerLockContext(),
        };

    /// <summary>The <see cref="AvoidProperty"/> value.</summary>
    public static string Avoid(AtomicContext.AtomicContext? reportedIn, Func<AtomicContext.AtomicContext?> schedulerLockContext)
        => reportedIn is not null || schedulerLockContext() is not null ? "True" : "False";
}

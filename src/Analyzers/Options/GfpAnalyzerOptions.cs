using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Options;

/// <summary>Where GFP002 (and the kswapd part of GFP003) report a kswapd wake-up.</summary>
internal enum KswapdScope
{
    /// <summary>Where scheduler locks may be held: allocation hooks, runqueue-lock sections, <c>[LockHeld("runqueue")]</c> (default).</summary>
    SchedulerLocks,

    /// <summary>Every atomic context (the strict preset).</summary>
    All,

    /// <summary>Allocation hooks only.</summary>
    AllocationHooks,
}

/// <summary>
/// Every <c>.editorconfig</c> option the analyzers read, in one place. Keys are namespaced by rule
/// (<c>gfp_analyzers.&lt;ID&gt;.&lt;name&gt;</c>) and documented on the rule's page.
/// </summary>
internal static class GfpAnalyzerOptions
{
    /// <summary>
    /// <c>gfp_analyzers.GFP002.scope = scheduler_locks | all | allocation_hooks</c> (default <c>scheduler_locks</c>):
    /// where GFP002 reports kswapd wake-ups. Waking kswapd takes scheduler locks, so it can deadlock only where they may
    /// already be held: inside the allocator's hooks and with the runqueue lock held. <c>GFP_ATOMIC</c> under
    /// <c>rcu_read_lock()</c> or an ordinary spinlock is the kernel's everyday idiom; <c>all</c> reports it anyway.
    /// An unknown value means the default.
    /// </summary>
    public const string Gfp002ScopeKey = "gfp_analyzers.GFP002.scope";

    public static KswapdScope Gfp002Scope(AnalyzerOptions options, SyntaxTree tree)
    {
        if (!options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(Gfp002ScopeKey, out var value))
        {
            return KswapdScope.SchedulerLocks;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "all" => KswapdScope.All,
            "allocation_hooks" => KswapdScope.AllocationHooks,
            _ => KswapdScope.SchedulerLocks,
        };
    }
}

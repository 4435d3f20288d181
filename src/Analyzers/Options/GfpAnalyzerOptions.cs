using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Options;

/// <summary>
/// Every <c>.editorconfig</c> option the analyzers read, in one place. Keys are namespaced by rule
/// (<c>gfp_analyzers.&lt;ID&gt;.&lt;name&gt;</c>) and documented on the rule's page.
/// </summary>
internal static class GfpAnalyzerOptions
{
    /// <summary>
    /// <c>gfp_analyzers.GFP002.scope = all | allocation_hooks</c> (default <c>all</c>): where GFP002 reports
    /// kswapd wake-ups. <c>allocation_hooks</c> limits it to <c>[AllocationHook]</c> methods, for code in which
    /// <c>GFP_ATOMIC</c> under <c>rcu_read_lock()</c> is the accepted idiom.
    /// </summary>
    public const string Gfp002ScopeKey = "gfp_analyzers.GFP002.scope";

    /// <summary>True when GFP002 (and the kswapd part of GFP003) applies only to allocation hooks.</summary>
    public static bool KswapdOnlyInAllocationHooks(AnalyzerOptions options, SyntaxTree tree)
        => options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(Gfp002ScopeKey, out var value)
           && string.Equals(value.Trim(), "allocation_hooks", System.StringComparison.OrdinalIgnoreCase);
}

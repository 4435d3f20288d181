using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP002: <c>KswapdReclaim</c> from a constant (and no <c>DirectReclaim</c> from one) reaches an allocation in
/// atomic context. Option <c>gfp_analyzers.GFP002.scope = allocation_hooks</c> limits it to allocation hooks.
/// Reported by <see cref="AllocationContextAnalyzer"/>.
/// </summary>
internal static class GFP002KswapdWakeupInAtomicContext
{
    public static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.KswapdWakeupInAtomicContext,
        title: "Allocation that may wake kswapd in atomic context",
        messageFormat: "Allocation may wake kswapd {0}: KswapdReclaim reaches it from {1}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        description: "KswapdReclaim lets the allocator wake kswapd, which takes scheduler locks. Code reached from "
            + "inside the page allocator (an allocation hook) may already hold them, so the wake-up can deadlock. "
            + "Gfp.Atomic and Gfp.NoWait both carry KswapdReclaim; Gfp.High does not.");
}

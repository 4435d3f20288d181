using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP001: <c>DirectReclaim</c> from a constant of this method reaches an allocation in atomic context.
/// Reported by <see cref="AllocationContextAnalyzer"/>, which picks one of GFP001–GFP003 per allocation.
/// </summary>
internal static class GFP001SleepingAllocationInAtomicContext
{
    public static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.SleepingAllocationInAtomicContext,
        title: "Allocation that may sleep in atomic context",
        messageFormat: "Allocation may sleep {0}: DirectReclaim reaches it from {1}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Error,
        description: "An allocation whose flags carry DirectReclaim may sleep in direct reclaim. Inside an RCU read-side "
            + "section, a [RcuReadLockHeld] method or an allocation hook, sleeping is a bug (\"sleeping function called "
            + "from invalid context\"). Use the context's non-sleeping flags: Gfp.Atomic, Gfp.High where kswapd must not be "
            + "woken, Gfp.High | Gfp.NoCodetag in an allocation hook.");
}

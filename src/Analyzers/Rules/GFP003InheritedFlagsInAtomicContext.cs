using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP003: bits from a source the method does not control (parameter, field, property, call) may reach an
/// allocation in atomic context, and the code does not clear them. The message names exactly those bits and
/// their sources. Reported by <see cref="AllocationContextAnalyzer"/>.
/// </summary>
internal static class GFP003InheritedFlagsInAtomicContext
{
    public static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.InheritedFlagsInAtomicContext,
        title: "Inherited flags may carry bits unsafe in atomic context",
        messageFormat: "Allocation {0} may receive flags it must not use: {1}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        description: "Flags inherited from a caller, a field or a call may carry DirectReclaim (sleeps), KswapdReclaim "
            + "(wakes kswapd), NoFail (cannot be honoured without reclaim), ThisNode (no fallback node) or zone "
            + "modifiers. In atomic context, clear them all, or better, use the context's constant: Gfp.Atomic, Gfp.High "
            + "where kswapd must not be woken, Gfp.High | Gfp.NoCodetag in an allocation hook.");
}

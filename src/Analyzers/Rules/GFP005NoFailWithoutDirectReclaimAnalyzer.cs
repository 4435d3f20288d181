// GFP005: an allocation asks for NoFail (set on every path, or from a constant) while DirectReclaim is
// missing on some path and no source the method does not control could supply it. Anywhere, not only in
// atomic context: the allocator cannot retry forever without reclaim.
//
// Diagnostic.Properties (for code fixes):
//   "BitsToClear"  NoFail as hex ("0x8000").
//   "NoFailFrom"   the constant sources of NoFail, as in the message ("Gfp.NoFail").
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Reports <c>NoFail</c> without <c>DirectReclaim</c>.</summary>
public sealed class GFP005NoFailWithoutDirectReclaimAnalyzer : DiagnosticAnalyzer
{
    public const string BitsToClearProperty = "BitsToClear";
    public const string NoFailFromProperty = "NoFailFrom";

    public static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.NoFailWithoutDirectReclaim,
        title: "NoFail without DirectReclaim cannot be honoured",
        messageFormat: "Allocation asks for NoFail (from {0}) without DirectReclaim{1}: the allocator cannot retry forever without reclaim",
        RuleCategories.GfpFlags,
        DiagnosticSeverity.Warning,
        description: "NoFail makes the allocator retry until it succeeds, which only works if it may reclaim memory "
            + "directly. Without DirectReclaim the allocator warns and may fail anyway. Either allow direct reclaim "
            + "(outside atomic context) or drop NoFail and handle the failure.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        AllocationSites.RegisterBlockAction(context, AnalyzeBlock);
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, RuntimeSymbols symbols)
    {
        var noFail = symbols.Bits.NoFail;
        var directReclaim = symbols.Bits.DirectReclaim;
        if (noFail == 0 || directReclaim == 0)
        {
            return;
        }

        foreach (var site in AllocationSites.Find(context, symbols, MayReport))
        {
            // Constant flags without NoFail, or with DirectReclaim too, need no graph analysis (most allocations).
            if (AllocationSites.ConstantFlagBits(site, symbols) is { } constant
                && ((constant & noFail) == 0 || (constant & directReclaim) == directReclaim))
            {
                continue;
            }

            var value = AllocationSites.FlagValueOf(site, symbols, context.CancellationToken);
            if (NothingToReport(value, noFail, directReclaim))
            {
                continue;
            }

            if (site.IsIncomplete() || !NoFailWithoutDirectReclaimOnSomePath(site, symbols, noFail, directReclaim, context.CancellationToken))
            {
                // NoFail and the missing DirectReclaim come from different branches (`c ? Kernel | NoFail : Atomic`).
                continue;
            }

            var noFailSources = value.OriginsOf(noFail, constant: true);
            var sources = FlagNames.JoinSources(noFailSources);
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                site.FlagsLocation,
                ImmutableDictionary<string, string?>.Empty
                    .Add(BitsToClearProperty, FlagNames.Hex(noFail))
                    .Add(NoFailFromProperty, sources),
                // "asks for NoFail" would overstate a NoFail added under a condition.
                value.MustHave(noFail) ? sources : sources + ", on some paths",
                value.MayHave(directReclaim) ? " on some paths" : string.Empty));
        }
    }

    /// <summary>
    /// Whether an allocation may be reported, from the operation tree alone: not when its constant flags lack NoFail or
    /// carry DirectReclaim (the test the loop below makes first), nor when no constant of the body can carry NoFail
    /// (<see cref="ConstantSourceBits"/>). A body whose allocations all fail it needs no graph here.
    /// </summary>
    private static readonly System.Func<TreeAllocation, bool> MayReport = static allocation =>
    {
        var bits = allocation.Symbols.Bits;
        if (allocation.ConstantFlagBits is { } constant)
        {
            return (constant & bits.NoFail) != 0 && (constant & bits.DirectReclaim) != bits.DirectReclaim;
        }

        // Flags that are not one constant: reported only when a constant of the body supplies NoFail (NothingToReport).
        return (ConstantSourceBits.Of(FunctionScan.RootOf(allocation.Invocation), allocation.Symbols) & bits.NoFail) != 0;
    };

    /// <summary>
    /// True when one set of paths the flag analysis kept apart has NoFail without DirectReclaim (a method of its own,
    /// so that the predicate's closure is made only for the sites that get this far, not for every block).
    /// </summary>
    private static bool NoFailWithoutDirectReclaimOnSomePath(AllocationSite site, RuntimeSymbols symbols, uint noFail, uint directReclaim, System.Threading.CancellationToken cancellationToken)
        => AllocationSites.AnyPath(site, symbols, cancellationToken, path => path.MayHave(noFail) && !path.MustHave(directReclaim));

    /// <summary>
    /// True when the flags give no reason to report: they did not bind, no constant asks for NoFail, DirectReclaim is
    /// always there, or the caller's flags may supply DirectReclaim (whether NoFail can be honoured is the caller's call).
    /// </summary>
    private static bool NothingToReport(FlagValue value, uint noFail, uint directReclaim)
        => value.HasErrors
           || value.OriginsOf(noFail, constant: true).IsEmpty
           || value.MustHave(directReclaim)
           || (value.UnknownBits & directReclaim) != 0;
}

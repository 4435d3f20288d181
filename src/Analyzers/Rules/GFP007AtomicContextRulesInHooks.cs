using System.Threading;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// One finding per mistake: which of GFP001–GFP003 (<see cref="AllocationContextAnalyzer"/>) already reports an
/// allocation in an allocation hook, so that GFP007 does not report the same flags argument a second time.
/// In a hook every one of their fixes adds NoCodetag too ("Use Gfp.High | Gfp.NoCodetag"; "Clear the bits the
/// caller may pass" adds it in hooks), so their finding covers GFP007's. The choice mirrors theirs for hooks,
/// where the context holds on every path and kswapd wake-ups always count:
///   GFP001  DirectReclaim from a constant;  GFP003  DirectReclaim from an unknown source;
///   GFP002  KswapdReclaim from a constant;  GFP003  KswapdReclaim, NoFail, ThisNode or a zone bit from an unknown source.
/// A test runs both analyzers on every shape and fails if they ever both report, or both stay silent.
/// </summary>
internal static class GFP007AtomicContextRulesInHooks
{
    /// <summary>The ID of the rule among GFP001–GFP003 that reports <paramref name="value"/> in a hook, or null.</summary>
    public static string? RuleReporting(FlagValue value, GfpBits bits)
    {
        var hazards = bits.DirectReclaim | bits.KswapdReclaim | bits.NoFail | bits.ThisNode | bits.ZoneMask;
        if (value.HasErrors || !value.MayHave(hazards))
        {
            return null;
        }

        var inherited = value.UnknownBits & hazards;
        return FromConstant(value, bits.DirectReclaim) ? DiagnosticIds.SleepingAllocationInAtomicContext
            : (inherited & bits.DirectReclaim) != 0 ? DiagnosticIds.InheritedFlagsInAtomicContext
            : FromConstant(value, bits.KswapdReclaim) ? DiagnosticIds.KswapdWakeupInAtomicContext
            : inherited != 0 ? DiagnosticIds.InheritedFlagsInAtomicContext
            : null;
    }

    /// <summary>
    /// Whether the user turned <paramref name="id"/> off for <paramref name="tree"/> (severity none in an
    /// .editorconfig, a global config or the preset, or /nowarn): then GFP007 must report what that rule would have.
    /// </summary>
    public static bool IsTurnedOff(Compilation compilation, SyntaxTree tree, string id, CancellationToken ct)
    {
        var options = compilation.Options;
        if (options.SyntaxTreeOptionsProvider is { } provider)
        {
            if (provider.TryGetDiagnosticValue(tree, id, ct, out var inTree))
            {
                return inTree == ReportDiagnostic.Suppress;
            }

            if (provider.TryGetGlobalDiagnosticValue(id, ct, out var global))
            {
                return global == ReportDiagnostic.Suppress;
            }
        }

        return options.SpecificDiagnosticOptions.TryGetValue(id, out var specific) && specific == ReportDiagnostic.Suppress;
    }

    private static bool FromConstant(FlagValue value, uint bit) => bit != 0 && !value.OriginsOf(bit, constant: true).IsEmpty;
}

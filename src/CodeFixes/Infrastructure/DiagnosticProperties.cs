using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>Reads what the analyzers put into <see cref="Diagnostic.Properties"/> for the fixes.</summary>
internal static class DiagnosticProperties
{
    /// <summary>The offending bits as hex, e.g. "0x400" (AllocationContextAnalyzer: GFP001, GFP002, GFP003).</summary>
    public const string BitsToClear = "BitsToClear";

    /// <summary>The same bits as Gfp member names, comma-separated (AllocationContextAnalyzer).</summary>
    public const string FlagsToClear = "FlagsToClear";

    /// <summary>The atomic context's kind (AllocationContextAnalyzer): RcuReadSection | RcuReadLockHeldMethod | AllocationHook.</summary>
    public const string ContextKind = "ContextKind";

    /// <summary>
    /// Whether the analyzer found the allocation inside an allocation hook, however the hook is declared
    /// ([AllocationHook] method or lambda, or code installed with SetEarlyAllocHook): the analyzer decided it, the fix
    /// does not guess again from the syntax.
    /// </summary>
    public static bool RaisedInAllocationHook(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(ContextKind, out var kind) && kind == "AllocationHook";

    /// <summary>GFP003: the bits the diagnostic names (not provably cleared), or null when the analyzer did not say.</summary>
    public static uint? NamedBits(Diagnostic diagnostic, GfpBits bits)
        => (diagnostic.Properties.TryGetValue(BitsToClear, out var hex) ? FlagFixSupport.ParseMask(hex, bits) : null)
            ?? (diagnostic.Properties.TryGetValue(FlagsToClear, out var names) ? FlagFixSupport.ParseMask(names, bits) : null);
}

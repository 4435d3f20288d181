using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>Reads what the analyzers put into <see cref="Diagnostic.Properties"/> for the fixes.</summary>
internal static class DiagnosticProperties
{
    /// <summary>The offending bits as hex, e.g. "0x400" (AllocationContextAnalyzer: GFP001, GFP002, GFP003).</summary>
    public const string BitsToClear = "BitsToClear";

    /// <summary>The same bits as Gfp member names, comma-separated (AllocationContextAnalyzer).</summary>
    public const string FlagsToClear = "FlagsToClear";

    /// <summary>GFP003: the bits the diagnostic names (not provably cleared), or null when the analyzer did not say.</summary>
    public static uint? NamedBits(Diagnostic diagnostic, GfpBits bits)
        => (diagnostic.Properties.TryGetValue(BitsToClear, out var hex) ? FlagFixSupport.ParseMask(hex, bits) : null)
            ?? (diagnostic.Properties.TryGetValue(FlagsToClear, out var names) ? FlagFixSupport.ParseMask(names, bits) : null);

    /// <summary>
    /// Whether the flagged allocation may run in atomic context, where sleeping is forbidden (GFP005 runs
    /// everywhere and does not track context). Errs towards "may": an [RcuReadLockHeld] or [AllocationHook]
    /// method, or any ReadLock (explicit or <c>using</c>) in the function, is enough. Lambdas and local functions
    /// are judged on their own body: they run whenever they are invoked.
    /// </summary>
    public static bool MayBeInAtomicContext(SyntaxNode node, FixSession session, CancellationToken cancellationToken)
    {
        var symbols = session.Symbols;
        if (session.Model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is IMethodSymbol method
            && (symbols.HasAttribute(method, symbols.RcuReadLockHeldAttribute) || symbols.HasAttribute(method, symbols.AllocationHookAttribute)))
        {
            return true;
        }

        var scope = FixTargets.EnclosingFunction(node);
        return scope is null || scope.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(invocation =>
            session.Model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol called && symbols.IsReadLock(called));
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>What the flag fixes share: constant values, naming a mask, context checks and the clears that go with NoCodetag.</summary>
internal static class FlagFixSupport
{
    /// <summary>The order masks are spelled in: the bits the rules talk about first, composites before their parts.</summary>
    private static readonly string[] PreferredNames =
        { "Reclaim", "DirectReclaim", "KswapdReclaim", "NoFail", "ThisNode", "ZoneMask", "NoCodetag", "High", "NoWarn" };

    /// <summary>The constant value of a Gfp expression, or null when it is not a compile-time constant.</summary>
    public static uint? ConstantValue(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        var constant = model.GetConstantValue(expression, cancellationToken);
        if (!constant.HasValue || constant.Value is null)
        {
            return null;
        }

        try
        {
            return System.Convert.ToUInt32(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.Exception exception) when (exception is System.OverflowException or System.FormatException or System.InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>The names spelling <paramref name="mask"/>: composites where all their bits are in it, then single bits.</summary>
    public static List<string> NamesOf(uint mask, GfpBits bits)
    {
        var names = new List<string>();
        var remaining = mask;
        foreach (var name in PreferredNames.Concat(bits.SingleBits.Select(bit => bit.Name)))
        {
            var value = bits.ValueOf(name);
            if (value != 0 && (remaining & value) == value)
            {
                names.Add(name);
                remaining &= ~value;
            }
        }

        return names;
    }

    /// <summary>
    /// Reads a mask from a diagnostic property: a number (decimal or 0x-hex) or Gfp member names separated by
    /// commas, bars or spaces. Null when the property is absent or names nothing the runtime has.
    /// </summary>
    public static uint? ParseMask(string? text, GfpBits bits)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text!.Trim();
        if (trimmed.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(trimmed.Substring(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (uint.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        uint mask = 0;
        foreach (var part in trimmed.Split(new[] { ',', '|', ' ', ';', '+' }, System.StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Trim();
            if (name.StartsWith("Gfp.", System.StringComparison.Ordinal))
            {
                name = name.Substring("Gfp.".Length);
            }

            mask |= bits.ValueOf(name);
        }

        return mask == 0 ? null : mask;
    }

    /// <summary>Whether the function holding <paramref name="node"/> is an <c>[AllocationHook]</c> method (lambdas inside it are not).</summary>
    public static bool IsInAllocationHook(SyntaxNode node, SemanticModel model, RuntimeSymbols symbols, CancellationToken cancellationToken)
        => model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is IMethodSymbol method
            && symbols.HasAttribute(method, symbols.AllocationHookAttribute);

    /// <summary>
    /// Whether evaluating <paramref name="expression"/> can do anything besides produce flags: a call (other than a
    /// static helper of the runtime), an assignment, an increment, an object creation, an await. A fix that would
    /// drop such an expression is not offered.
    /// </summary>
    public static bool HasSideEffects(ExpressionSyntax expression, SemanticModel model, RuntimeSymbols symbols, CancellationToken cancellationToken)
    {
        foreach (var node in expression.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case InvocationExpressionSyntax invocation:
                    // Extension helpers such as gfp.AllowsBlocking() bind as reduced instance methods of a static class.
                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
                        || !(method.ReducedFrom ?? method).IsStatic
                        || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, symbols.Gfp.ContainingAssembly))
                    {
                        return true;
                    }

                    break;
                case AssignmentExpressionSyntax:
                case BaseObjectCreationExpressionSyntax:
                case AwaitExpressionSyntax:
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }:
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Once an allocation carries NoCodetag, its page needs a clear before every free in this method (GFP004):
    /// inserts them. False when some free cannot get one (then the caller does not offer the fix).
    /// </summary>
    public static bool TryClearBeforeFreesOf(InvocationExpressionSyntax allocation, FixEditor editor, FixSession session, CancellationToken cancellationToken)
    {
        var frees = CodetagClearing.FreesOfAllocatedPage(allocation, session.Model, session.Symbols, cancellationToken);
        if (frees.Any(free => !CodetagClearing.IsPrecededByClear(free) && !CodetagClearing.CanClearBefore(free)))
        {
            return false;
        }

        foreach (var free in frees)
        {
            CodetagClearing.TryInsertClearBefore(editor, free);
        }

        return true;
    }

    /// <summary>Whether the top-level <c>|</c> operands of <paramref name="expression"/> provably include all of <paramref name="bits"/>.</summary>
    public static bool SyntacticallyIncludes(ExpressionSyntax expression, uint bits, SemanticModel model, CancellationToken cancellationToken)
    {
        uint known = 0;
        foreach (var operand in FlagExpressions.OrOperands(FixTargets.Unwrap(expression)))
        {
            known |= ConstantValue(operand, model, cancellationToken) ?? 0;
        }

        return (known & bits) == bits;
    }

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

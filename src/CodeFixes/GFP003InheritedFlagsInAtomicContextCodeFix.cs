using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.CodeFixes.SharedFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP003 (flags from the caller, a field or a call, not provably cleared of the bits atomic context forbids):
/// either use the context's flags (<see cref="UseContextFlagsFix"/>), or keep the caller's harmless bits and mask out exactly the bits the diagnostic
/// names (the mask it already applies is widened rather than repeated), adding <c>High</c> for access to reserves.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP003InheritedFlagsInAtomicContextCodeFix))]
[Shared]
internal sealed class GFP003InheritedFlagsInAtomicContextCodeFix : GfpFixProvider
{
    public const string ClearCallerBitsKey = "GfpAnalyzers.ClearCallerBits";

    private static readonly FixAction ClearCallerBits = FixAction.OnFlags(ClearCallerBitsKey, "Clear the bits the caller may pass", ClearCallerBitsAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.InheritedFlagsInAtomicContext);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(UseContextFlagsFix.Action, ClearCallerBits);

    private static async Task<Document?> ClearCallerBitsAsync(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var model = session.Model;
        var bits = session.Symbols.Bits;
        var mask = DiagnosticProperties.NamedBits(diagnostic, bits)
            ?? (bits.DirectReclaim | bits.KswapdReclaim | bits.NoFail | bits.ThisNode | bits.ZoneMask);
        // A hook is a hook however it is declared: a lambda installed with SetEarlyAllocHook needs NoCodetag as much as an
        // [AllocationHook] method (the analyzer says which it found; the attribute test covers diagnostics without it).
        var inHook = DiagnosticProperties.RaisedInAllocationHook(diagnostic)
            || FlagFixSupport.IsInAllocationHook(flags.Allocation, model, session.Symbols, cancellationToken);

        // Constant operands that carry none of the masked bits stay outside the mask, as written.
        var inside = new List<ExpressionSyntax>();
        var outside = new List<ExpressionSyntax>();
        uint outsideBits = 0;
        foreach (var operand in FlagExpressions.OrOperands(FixTargets.Unwrap(flags.Expression)))
        {
            var value = FlagFixSupport.ConstantValue(operand, model, cancellationToken);
            if (value is { } constant && (constant & mask) == 0)
            {
                outside.Add(operand);
                outsideBits |= constant;
            }
            else
            {
                inside.Add(operand);
            }
        }

        if (inside.Count == 0)
        {
            return null;
        }

        // `gfp & ~Gfp.DirectReclaim` becomes `gfp & ~(Gfp.Reclaim | ...)`: one mask, not two.
        ExpressionSyntax masked;
        if (inside.Count == 1
            && FixTargets.Unwrap(inside[0]) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.BitwiseAndExpression } and
            && FixTargets.Unwrap(and.Right) is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.BitwiseNotExpression } not
            && FlagFixSupport.ConstantValue(not.Operand, model, cancellationToken) is { } cleared)
        {
            masked = and.Left.WithoutTrivia();
            mask |= cleared;
        }
        else
        {
            masked = inside.Skip(1).Aggregate(inside[0].WithoutTrivia(), (left, right) => FlagExpressions.OrOf(left, right.WithoutTrivia()));
        }

        var spelling = GfpSpelling.For(model, flags.Expression.SpanStart, session.Symbols, cancellationToken);
        ExpressionSyntax result = SyntaxFactory.ParenthesizedExpression(
            FlagExpressions.AndOf(masked, FlagExpressions.Not(spelling.Or(FlagFixSupport.NamesOf(mask, bits)))));
        result = outside.Aggregate(result, (left, right) => FlagExpressions.OrOf(left, right.WithoutTrivia()));
        if ((outsideBits & bits.High) == 0)
        {
            result = FlagExpressions.OrOf(result, spelling.Member("High"));
        }

        // In an allocation hook the allocation must also stay out of the hook (GFP007), and its page then needs clears.
        var editor = session.CreateEditor();
        if (inHook && (outsideBits & bits.NoCodetag) == 0)
        {
            result = FlagExpressions.OrOf(result, spelling.Member("NoCodetag"));
            if (!FlagFixSupport.TryClearBeforeFreesOf(flags.Allocation, editor, session, cancellationToken))
            {
                return null;
            }
        }

        editor.ReplaceNode(flags.Expression, result.WithTriviaFrom(flags.Expression));
        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }
}

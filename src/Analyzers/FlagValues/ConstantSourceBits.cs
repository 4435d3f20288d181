// The bits the constant sources of a body's flag values can carry, from the operation tree alone (no graph):
//
//   if ((ConstantSourceBits.Of(root, symbols) & bits.NoFail) == 0) { /* no flag value here names a constant NoFail */ }
//
// GFP005 reports NoFail only where a constant of the body supplies it (FlagValue.OriginsOf(NoFail, constant: true)),
// in the body's own allocations and in the flags it passes to a helper. Most bodies have no such constant, and then
// neither rule needs the flag analysis of the body's graph for it (nor the graph itself, when no other rule asks).
//
// Why the answer bounds what FlagValueAnalysis can find: a constant source is created only from a constant operation
// (its value), a constant member (ConstantMembers: its value), or `~` of a value without sources; FlagValue's
// operations then only narrow a source's bits (Or, And, Xor, joins, CallComposition's masks), except `~`, which
// widens them to every bit it may set. So: the values of the outermost constant operations, of the constant members
// referenced, and every bit once the body has a `~` that is not itself constant. Values of other integral types
// count only where one is converted to Gfp (the only way the analysis carries them into a Gfp value). One refinement
// keeps masks out: a constant operand of a non-constant `&` (`flags & ~Gfp.Io`, `flags &= ~Gfp.NoFail`) contributes
// no source to the result (FlagValue.And: a bit comes from the operand that carries it as a value, not from the
// mask), and any bit it lets through as known is carried by another source, which this walk counts where it appears.
//
// MustBound answers the other question GFP004 asks: which bits can a value have on every path (FlagValue.Must)?
// Must bits come from the same sources (an unknown source has none; And, Xor and joins only keep bits an operand had
// as must), and from a branch that tests bits (FlagValueAnalysis.Refine, BitTest): `(gfp & X) != 0` sets X as must on
// its true edge, where X is a mask the source bound leaves out, and AllowsBlocking / MayWakeKswapd set DirectReclaim
// and KswapdReclaim. So: the source bound, the masks' values and those two bits.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using GfpAnalyzers.Analyzers.Operations;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>An upper bound of the bits of every constant source in the flag values of an operation tree (all its functions).</summary>
internal static class ConstantSourceBits
{
    private static readonly PerRootCache<StrongBox<(uint Sources, uint Masks)>> Cache = new();

    /// <summary>The bound for the tree under <paramref name="root"/> (a body's root: every lambda and local function in it too).</summary>
    public static uint Of(IOperation root, RuntimeSymbols symbols) => Bounds(root, symbols).Sources;

    /// <summary>
    /// An upper bound of the bits any flag value of the tree under <paramref name="root"/> has on every path
    /// (<see cref="FlagValue.Must"/>): where it lacks a bit, no flag value there is known to carry it.
    /// </summary>
    public static uint MustBound(IOperation root, RuntimeSymbols symbols)
    {
        var (sources, masks) = Bounds(root, symbols);
        return sources | masks | symbols.Bits.DirectReclaim | symbols.Bits.KswapdReclaim;
    }

    private static (uint Sources, uint Masks) Bounds(IOperation root, RuntimeSymbols symbols)
    {
        if (Cache.Find(root) is { } known)
        {
            return known.Value;
        }

        return Cache.Keep(root, new StrongBox<(uint, uint)>(Compute(root, symbols))).Value;
    }

    private static (uint Sources, uint Masks) Compute(IOperation root, RuntimeSymbols symbols)
    {
        // Sources of other integral types reach a Gfp value only through a conversion to Gfp that is not constant (a
        // constant one is a Gfp constant itself): a loop bound or a byte count does not count unless there is one.
        uint gfpBits = 0;
        uint integralBits = 0;
        // The masks' values, of any integral type: a bit test reads its bits whatever the operand's type.
        uint maskBits = 0;
        var integralReachesGfp = false;
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            var isGfp = symbols.IsGfp(operation.Type);
            if (operation.ConstantValue.HasValue)
            {
                // One source, or (a constant `|`) sources whose union is this value: its value bounds them all.
                if (FlagEvaluator.TryToUInt32(operation.ConstantValue.Value, out var value))
                {
                    if (IsMaskOfAnd(operation))
                    {
                        maskBits |= value;
                    }
                    else if (isGfp || IsComparedWithGfp(operation, symbols))
                    {
                        gfpBits |= value;
                    }
                    else
                    {
                        integralBits |= value;
                    }
                }

                continue;
            }

            switch (operation)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.BitwiseNegation }:
                    // `~x` gives x's sources every bit it may set.
                    if (isGfp)
                    {
                        return (uint.MaxValue, uint.MaxValue);
                    }

                    integralBits = uint.MaxValue;
                    break;
                case IConversionOperation conversion when isGfp && !symbols.IsGfp(conversion.Operand.Type):
                    integralReachesGfp = true;
                    break;
                case IFieldReferenceOperation { Field: { IsReadOnly: true } field } when isGfp:
                    gfpBits |= ConstantMembers.TryGetField(field, symbols, out var fieldValue) ? fieldValue : 0;
                    break;
                case IPropertyReferenceOperation { Property: { IsReadOnly: true, IsIndexer: false } property } when isGfp:
                    gfpBits |= ConstantMembers.TryGetProperty(property, symbols, out var propertyValue) ? propertyValue : 0;
                    break;
                case IInvocationOperation { Arguments.IsEmpty: true, TargetMethod: var method } when isGfp:
                    gfpBits |= ConstantMembers.TryGetMethod(method, symbols, out var returned) ? returned : 0;
                    break;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return (integralReachesGfp ? gfpBits | integralBits : gfpBits, maskBits);
    }

    /// <summary>
    /// A constant of any type compared with a Gfp value (<c>(int)gfp == 0x200000</c>): on the branch where they are
    /// equal the analysis takes the variable's value to be that constant (BitTest.Exact), a source of its own.
    /// </summary>
    private static bool IsComparedWithGfp(IOperation constant, RuntimeSymbols symbols)
        => constant.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
           && symbols.IsGfp(BitTest.Unwrap(comparison.LeftOperand == constant ? comparison.RightOperand : comparison.LeftOperand).Type);

    /// <summary>A constant operand of a non-constant <c>&amp;</c> or <c>&amp;=</c>: a mask, which gives the result no source.</summary>
    private static bool IsMaskOfAnd(IOperation constant)
        => constant.Parent switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.And, OperatorMethod: null } and => !and.ConstantValue.HasValue,
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.And, OperatorMethod: null } compound => compound.Value == constant,
            _ => false,
        };
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// Recognizes a branch condition that tests a reference for null: <c>x == null</c>, <c>x != null</c>,
/// <c>x is null</c>, <c>x is not null</c>, <c>x is { }</c>, <c>x is Page p</c>, and the compiler's own test
/// behind <c>x?.</c> and <c>??</c>.
/// </summary>
internal static class NullTest
{
    public static bool TryMatch(IOperation condition, out IOperation tested, out bool nullWhenTrue)
    {
        switch (condition)
        {
            case IIsNullOperation isNull:
                tested = isNull.Operand;
                nullWhenTrue = true;
                return true;

            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not when TryMatch(not.Operand, out tested, out var inner):
                nullWhenTrue = !inner;
                return true;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                if (IsNullConstant(binary.RightOperand) && !IsNullConstant(binary.LeftOperand))
                {
                    tested = binary.LeftOperand;
                }
                else if (IsNullConstant(binary.LeftOperand) && !IsNullConstant(binary.RightOperand))
                {
                    tested = binary.RightOperand;
                }
                else
                {
                    break;
                }

                nullWhenTrue = binary.OperatorKind == BinaryOperatorKind.Equals;
                return tested.Type?.IsReferenceType == true || IsConvertedReference(tested);

            case IIsPatternOperation pattern when NullWhenMatched(pattern.Pattern, pattern.Value.Type) is { } whenMatched:
                tested = pattern.Value;
                nullWhenTrue = whenMatched;
                return true;
        }

        tested = condition;
        nullWhenTrue = false;
        return false;
    }

    /// <summary>True: the pattern matches exactly null; false: it matches exactly non-null; null: neither.</summary>
    private static bool? NullWhenMatched(IPatternOperation pattern, ITypeSymbol? inputType) => pattern switch
    {
        IConstantPatternOperation constant when IsNullConstant(constant.Value) => true,
        INegatedPatternOperation negated => !NullWhenMatched(negated.Pattern, inputType),
        IRecursivePatternOperation recursive when recursive.PropertySubpatterns.IsEmpty && recursive.DeconstructionSubpatterns.IsEmpty
            && Covers(recursive.MatchedType, inputType) => false,
        IDeclarationPatternOperation declaration when Covers(declaration.MatchedType, inputType) => false,
        ITypePatternOperation type when Covers(type.MatchedType, inputType) => false,
        _ => null,
    };

    /// <summary>A type pattern tests only for null when every non-null input matches it.</summary>
    private static bool Covers(ITypeSymbol? matched, ITypeSymbol? input)
    {
        if (matched is null || input is null)
        {
            return matched is null;
        }

        for (var type = input.WithNullableAnnotation(NullableAnnotation.NotAnnotated); type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, matched.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNullConstant(IOperation operation) => operation.ConstantValue is { HasValue: true, Value: null };

    private static bool IsConvertedReference(IOperation operation)
        => operation is IConversionOperation { Operand.Type.IsReferenceType: true };
}

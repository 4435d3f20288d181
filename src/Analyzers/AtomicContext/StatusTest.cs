using GfpAnalyzers.Analyzers.Operations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// A branch condition that compares a status local (or parameter) of an integral or enum type with a constant:
/// <c>ret == 0</c>, <c>ret &lt; 0</c>, <c>err != -EINVAL</c>, <c>state is State.Ready</c>. The lock flow tracks it like
/// a <c>bool</c>: a path that assigned the local a constant knows the test's outcome, so it cannot take the other
/// branch (<c>ret = -ENOMEM; goto out; … out: if (ret == 0) unlock;</c>); any other write forgets it.
/// </summary>
internal sealed class StatusTest
{
    private StatusTest(ISymbol symbol, BinaryOperatorKind kind, decimal constant)
    {
        Symbol = symbol;
        Kind = kind;
        Constant = constant;
    }

    /// <summary>The local or parameter compared.</summary>
    public ISymbol Symbol { get; }

    /// <summary>Equals, LessThan, LessThanOrEqual, GreaterThan or GreaterThanOrEqual (with the local on the left).</summary>
    public BinaryOperatorKind Kind { get; }

    public decimal Constant { get; }

    public bool SameAs(StatusTest other)
        => SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol) && Kind == other.Kind && Constant == other.Constant;

    /// <summary>The test's outcome once the local holds <paramref name="value"/>; null when the value is not a known constant.</summary>
    public bool? Evaluate(decimal? value) => value is not { } v ? null : Kind switch
    {
        BinaryOperatorKind.Equals => v == Constant,
        BinaryOperatorKind.LessThan => v < Constant,
        BinaryOperatorKind.LessThanOrEqual => v <= Constant,
        BinaryOperatorKind.GreaterThan => v > Constant,
        BinaryOperatorKind.GreaterThanOrEqual => v >= Constant,
        _ => null,
    };

    /// <summary>The status test a branch condition is (through <c>!</c> and implicit conversions), or null.</summary>
    public static StatusTest? Parse(IOperation? condition, out bool negated)
    {
        var stripped = ConditionOperand.Strip(condition, out negated);
        switch (stripped)
        {
            case IBinaryOperation { OperatorMethod: null } binary:
                var kind = binary.OperatorKind;
                if (kind == BinaryOperatorKind.NotEquals)
                {
                    negated = !negated;
                    kind = BinaryOperatorKind.Equals;
                }

                if (Variable(binary.LeftOperand) is { } left && Number(binary.RightOperand) is { } right)
                {
                    return Create(left, kind, right);
                }

                return Variable(binary.RightOperand) is { } swappedVariable && Number(binary.LeftOperand) is { } swappedNumber
                    ? Create(swappedVariable, Mirror(kind), swappedNumber)
                    : null;

            case IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var value } } pattern
                when Variable(pattern.Value) is { } variable && Number(value) is { } number:
                return Create(variable, BinaryOperatorKind.Equals, number);

            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var negatedValue } } } negatedPattern
                when Variable(negatedPattern.Value) is { } negatedVariable && Number(negatedValue) is { } negatedNumber:
                negated = !negated;
                return Create(negatedVariable, BinaryOperatorKind.Equals, negatedNumber);

            default:
                return null;
        }
    }

    /// <summary>Integral and enum types: the ones whose constants compare exactly.</summary>
    public static bool IsStatusType(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum })
        {
            return true;
        }

        return type?.SpecialType is SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Char;
    }

    /// <summary>The constant an operation has, as a number (an enum member as its value); null when it is none.</summary>
    public static decimal? Number(IOperation? operation)
        => operation?.ConstantValue is { HasValue: true, Value: { } value } ? ToNumber(value) : null;

    private static decimal? ToNumber(object value) => value switch
    {
        sbyte v => v,
        byte v => v,
        short v => v,
        ushort v => v,
        int v => v,
        uint v => v,
        long v => v,
        ulong v => v,
        char v => v,
        _ => null,
    };

    private static StatusTest? Create(ISymbol symbol, BinaryOperatorKind kind, decimal constant)
        => kind is BinaryOperatorKind.Equals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
            or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
            ? new StatusTest(symbol, kind, constant)
            : null;

    /// <summary><c>C &lt; x</c> is <c>x &gt; C</c>.</summary>
    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        _ => kind,
    };

    /// <summary>A status local or parameter read (through implicit conversions), or null.</summary>
    private static ISymbol? Variable(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation switch
        {
            ILocalReferenceOperation local when !local.Local.IsConst && IsStatusType(local.Local.Type) => local.Local,
            IParameterReferenceOperation parameter when IsStatusType(parameter.Parameter.Type) => parameter.Parameter,
            _ => null,
        };
    }
}

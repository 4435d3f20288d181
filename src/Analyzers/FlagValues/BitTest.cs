using GfpAnalyzers.Analyzers.Operations;
// A branch condition that tests bits of a flag variable, so each outgoing edge can narrow it:
//   gfp.AllowsBlocking()            any of DirectReclaim      gfp.MayWakeKswapd()    any of KswapdReclaim
//   (gfp & X) != 0, 0 != (gfp & X)  any of X                  (gfp & X) == 0         negated "any of X"
//   (gfp & X) == X, gfp.HasFlag(X)  all of X                  !condition             negated
//   gfp == X                        exactly X                 gfp != X               negated "exactly X"
// gfp is a local or parameter (through conversions); X a constant.
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

internal readonly struct BitTest
{
    private BitTest(ISymbol variable, uint bits, bool all, bool negated, IOperation? exact = null)
    {
        Variable = variable;
        Bits = bits;
        All = all;
        Negated = negated;
        Exact = exact;
    }

    /// <summary>For <c>gfp == X</c>: the constant X, which is the variable's whole value when the test holds.</summary>
    public IOperation? Exact { get; }

    /// <summary>The local or parameter tested.</summary>
    public ISymbol Variable { get; }

    public uint Bits { get; }

    /// <summary>True: "all of <see cref="Bits"/> are set"; false: "any of them is set".</summary>
    public bool All { get; }

    /// <summary>The condition is true when the test is false.</summary>
    public bool Negated { get; }

    public static BitTest? Recognize(IOperation condition, RuntimeSymbols symbols)
    {
        condition = ConditionOperand.Strip(condition, out var negated)!;

        switch (condition)
        {
            case IInvocationOperation invocation when invocation.Arguments.Length >= 1 && IsRuntimeHelper(invocation.TargetMethod, symbols):
            {
                var bits = invocation.TargetMethod.Name switch
                {
                    "AllowsBlocking" when invocation.Arguments.Length == 1 => symbols.Bits.DirectReclaim,
                    "MayWakeKswapd" when invocation.Arguments.Length == 1 => symbols.Bits.KswapdReclaim,
                    _ => 0u,
                };
                return bits != 0 && VariableOf(invocation.Arguments[0].Value) is { } variable
                    ? new BitTest(variable, bits, all: false, negated)
                    : null;
            }

            case IInvocationOperation { TargetMethod.Name: "HasFlag", Instance: { } instance } hasFlag
                when hasFlag.Arguments.Length == 1 && symbols.IsGfp(Unwrap(instance).Type):
                return VariableOf(instance) is { } flagged && Constant(Unwrap(hasFlag.Arguments[0].Value)) is { } required and not 0
                    ? new BitTest(flagged, required, all: true, negated)
                    : null;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } comparison:
            {
                var (masked, other) = comparison.LeftOperand.ConstantValue.HasValue
                    ? (comparison.RightOperand, comparison.LeftOperand)
                    : (comparison.LeftOperand, comparison.RightOperand);
                if (Constant(other) is not { } compared)
                {
                    return null;
                }

                if (Unwrap(masked) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.And, OperatorMethod: null } and)
                {
                    // gfp == Gfp.Atomic: on the true edge the variable holds exactly that constant.
                    return symbols.IsGfp(Unwrap(masked).Type) && VariableOf(masked) is { } whole
                        ? new BitTest(whole, compared, all: true, negated ^ comparison.OperatorKind == BinaryOperatorKind.NotEquals, Unwrap(other))
                        : null;
                }

                var (tested, mask) = Constant(and.RightOperand) is { } right ? (and.LeftOperand, right) : (and.RightOperand, Constant(and.LeftOperand));
                if (mask is not { } bits || bits == 0 || VariableOf(tested) is not { } variable)
                {
                    return null;
                }

                var equals = comparison.OperatorKind == BinaryOperatorKind.Equals;
                if (compared == 0)
                {
                    // (x & X) == 0 is "none of X": the negation of "any of X".
                    return new BitTest(variable, bits, all: false, negated ^ equals);
                }

                return compared == bits ? new BitTest(variable, bits, all: true, negated ^ !equals) : null;
            }

            default:
                return null;
        }
    }

    private static bool IsRuntimeHelper(IMethodSymbol method, RuntimeSymbols symbols)
        => method.IsExtensionMethod
           && method.ContainingType?.Name == "GfpExtensions"
           && method.ContainingNamespace?.ToDisplayString() == RuntimeSymbols.RuntimeNamespace
           && method.Parameters.Length == 1
           && symbols.IsGfp(method.Parameters[0].Type);

    /// <summary>The operand under any built-in conversions.</summary>
    internal static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { OperatorMethod: null } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static ISymbol? VariableOf(IOperation operation) => Unwrap(operation) switch
    {
        ILocalReferenceOperation { Local.IsRef: false } local => local.Local,
        IParameterReferenceOperation { Parameter.RefKind: RefKind.None } parameter => parameter.Parameter,
        _ => null,
    };

    private static uint? Constant(IOperation operation)
        => operation.ConstantValue.HasValue && FlagEvaluator.TryToUInt32(operation.ConstantValue.Value, out var value) ? value : null;
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Operations;

/// <summary>What a branch condition tests once its <c>!</c>s and implicit conversions are looked through.</summary>
internal static class ConditionOperand
{
    /// <summary>
    /// The operand under every implicit conversion and built-in <c>!</c> (a loop: nesting depth is the input's);
    /// <paramref name="negated"/> says whether an odd number of <c>!</c>s were passed.
    /// </summary>
    public static IOperation? Strip(IOperation? condition, out bool negated)
    {
        negated = false;
        while (true)
        {
            switch (condition)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    condition = conversion.Operand;
                    continue;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } not:
                    negated = !negated;
                    condition = not.Operand;
                    continue;
                default:
                    return condition;
            }
        }
    }
}

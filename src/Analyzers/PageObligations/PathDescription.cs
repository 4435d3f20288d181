using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// Turns the branch recorded on an uncleared path into words for the message: "when the compare-and-swap
/// fails" for the cmpxchg idiom, otherwise "when 'condition' is false".
/// </summary>
internal static class PathDescription
{
    private const int MaxConditionLength = 60;
    private const int MaxChainLength = 3;
    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);

    public static string Describe(ControlFlowGraph graph, object? witness, bool unclearedOnEveryPath)
    {
        if (witness is ThrowWitness thrown)
        {
            return $"when '{Shorten(thrown.Call.Syntax.ToString())}' throws";
        }

        if (witness is not ControlFlowBranch branch || branch.Source.BranchValue is not { } condition || branch.Source.ConditionKind == ControlFlowConditionKind.None)
        {
            return unclearedOnEveryPath ? "on every path" : "on some path";
        }

        // The conditional successor is taken when the branch value equals (ConditionKind == WhenTrue).
        var holds = branch.IsConditionalSuccessor == (branch.Source.ConditionKind == ControlFlowConditionKind.WhenTrue);
        if (CompareAndSwapSucceeds(graph, condition, holds) is { } succeeded)
        {
            return succeeded ? "when the compare-and-swap succeeds" : "when the compare-and-swap fails";
        }

        // An `if / else if` chain: the conditions before this one, each gone the way that leads here.
        var parts = new List<string> { Says(condition, holds) };
        for (var block = branch.Source; parts.Count <= MaxChainLength && ChainedFrom(block) is { } earlier; block = earlier.Source)
        {
            var earlierHolds = earlier.IsConditionalSuccessor == (earlier.Source.ConditionKind == ControlFlowConditionKind.WhenTrue);
            parts.Insert(0, Says(earlier.Source.BranchValue!, earlierHolds));
        }

        if (parts.Count > MaxChainLength)
        {
            return $"on the path through line {condition.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
        }

        return "when " + string.Join(" and ", parts);
    }

    private static string Says(IOperation condition, bool holds) => $"'{Shorten(condition.Syntax.ToString())}' is {(holds ? "true" : "false")}";

    /// <summary>
    /// The branch that is the only way into a block that does nothing but test its own condition (the `else if` of a
    /// chain), when that branch tests a condition the user wrote.
    /// </summary>
    private static ControlFlowBranch? ChainedFrom(BasicBlock block)
    {
        if (!block.Operations.IsEmpty || block.Predecessors.Length != 1 || block.Predecessors[0] is not { } branch
            || branch.Source.ConditionKind == ControlFlowConditionKind.None || branch.Source.BranchValue is not { IsImplicit: false } value
            || NullTest.TryMatch(value, out _, out _))
        {
            return null;
        }

        return branch;
    }

    private static string Shorten(string source)
    {
        var text = Whitespace.Replace(source, " ").Trim();
        return text.Length > MaxConditionLength ? text.Substring(0, MaxConditionLength - 3) + "..." : text;
    }

    /// <summary>
    /// For <c>Interlocked.CompareExchange(ref x, value, comparand) ==/!= comparand</c> (also through a local
    /// holding the result, and <c>is null</c> when the comparand is null): whether the swap happened on this edge.
    /// </summary>
    private static bool? CompareAndSwapSucceeds(ControlFlowGraph graph, IOperation condition, bool holds)
    {
        condition = Unwrap(condition);
        if (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary)
        {
            var (call, other) = FindCompareExchange(graph, binary.LeftOperand) is { } left
                ? (left, binary.RightOperand)
                : (FindCompareExchange(graph, binary.RightOperand), binary.LeftOperand);
            if (call is null || !IsComparand(call, other))
            {
                return null;
            }

            return (binary.OperatorKind == BinaryOperatorKind.Equals) == holds;
        }

        // ReferenceEquals(Interlocked.CompareExchange(ref x, value, comparand), comparand)
        if (condition is IInvocationOperation { TargetMethod: { Name: "ReferenceEquals", IsStatic: true, ContainingType.SpecialType: SpecialType.System_Object }, Arguments.Length: 2 } referenceEquals)
        {
            var first = referenceEquals.Arguments[0].Value;
            var second = referenceEquals.Arguments[1].Value;
            var (call, other) = FindCompareExchange(graph, first) is { } left
                ? (left, second)
                : (FindCompareExchange(graph, second), first);
            return call is not null && IsComparand(call, other) ? holds : null;
        }

        if (condition is IIsPatternOperation pattern && FindCompareExchange(graph, pattern.Value) is { } tested
            && ComparandOf(tested) is { ConstantValue: { HasValue: true, Value: null } })
        {
            return pattern.Pattern switch
            {
                IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } => holds,
                INegatedPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } } => !holds,
                _ => null,
            };
        }

        return null;
    }

    private static IInvocationOperation? FindCompareExchange(ControlFlowGraph graph, IOperation operation)
    {
        operation = Unwrap(operation);
        if (operation is IInvocationOperation invocation)
        {
            return invocation.TargetMethod is { Name: "CompareExchange", ContainingType: { Name: "Interlocked" } type }
                   && type.ContainingNamespace?.ToDisplayString() == "System.Threading"
                ? invocation
                : null;
        }

        // The result held in a local or a flow capture: follow its single definition.
        var definition = SingleDefinition(graph, operation);
        return definition is null || definition is ILocalReferenceOperation or IFlowCaptureReferenceOperation
            ? null
            : FindCompareExchange(graph, definition);
    }

    private static IOperation? SingleDefinition(ControlFlowGraph graph, IOperation reference)
    {
        IOperation? found = null;
        var count = 0;
        foreach (var block in graph.Blocks)
        {
            foreach (var statement in block.Operations)
            {
                switch (statement)
                {
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                        when reference is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(target.Local, local.Local):
                        found = assignment.Value;
                        count++;
                        break;
                    case IFlowCaptureOperation capture
                        when reference is IFlowCaptureReferenceOperation captured && capture.Id.Equals(captured.Id):
                        found = capture.Value;
                        count++;
                        break;
                }
            }
        }

        return count == 1 ? found : null;
    }

    private static IOperation? ComparandOf(IInvocationOperation call)
    {
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.Name == "comparand")
            {
                return Unwrap(argument.Value);
            }
        }

        return null;
    }

    private static bool IsComparand(IInvocationOperation call, IOperation other)
    {
        var comparand = ComparandOf(call);
        other = Unwrap(other);
        if (comparand is null)
        {
            return false;
        }

        if (comparand.ConstantValue is { HasValue: true, Value: null })
        {
            return other.ConstantValue is { HasValue: true, Value: null };
        }

        return Whitespace.Replace(comparand.Syntax.ToString(), string.Empty) == Whitespace.Replace(other.Syntax.ToString(), string.Empty);
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}

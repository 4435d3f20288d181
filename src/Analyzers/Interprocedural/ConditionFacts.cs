using GfpAnalyzers.Analyzers.Operations;
// Which parameter conditions hold on every path into each block of a method's graph: a must-analysis
// (intersection at joins) whose edges add the atom the branch proves. An edge whose atom contradicts what
// already holds cannot be taken (`if (p == null) { if (p != null) … }`) and contributes nothing.
// Only parameters the method never assigns (nor passes by reference) are trusted.
using System.Collections.Generic;
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

internal sealed class ConditionFacts
{
    /// <summary>At most this many atoms are kept per block (the smallest, in a fixed order): fewer atoms is still sound.</summary>
    public const int MaxAtoms = 8;

    /// <summary>Rounds over the blocks before giving up (every block then knows nothing, which is sound).</summary>
    private const int MaxRounds = 64;

    // Rules ask once per call site; the facts are the graph's, so compute them once per graph.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ControlFlowGraph, ConditionFacts> Cache = new();

    private readonly ImmutableArray<ParameterCondition>?[] _facts;

    /// <summary>The method the facts were computed for (its parameters are the ones trusted).</summary>
    private readonly IMethodSymbol? _method;

    private ConditionFacts(ImmutableArray<ParameterCondition>?[] facts, ulong trusted, IMethodSymbol? method)
    {
        _facts = facts;
        Trusted = trusted;
        _method = method;
    }

    /// <summary>The method's parameters it never assigns (bit i: ordinal i): the only ones conditions and summaries name.</summary>
    public ulong Trusted { get; }

    /// <summary>The atoms that hold on every path into <paramref name="block"/>; null when no feasible path reaches it.</summary>
    public ImmutableArray<ParameterCondition>? At(int block) => _facts[block];

    /// <summary>
    /// The facts of <paramref name="graph"/> (owned by <paramref name="method"/>), computed once per graph and method.
    /// Rules and summaries share graphs (ControlFlowGraphs.Of), and a summary may name the owner differently (a partial
    /// method by its definition part, a rule by its implementation): each gets the facts of the method it names, whoever asked first.
    /// </summary>
    public static ConditionFacts Of(ControlFlowGraph graph, IMethodSymbol? method, RuntimeSymbols symbols)
        => !Cache.TryGetValue(graph, out var cached) ? Add(graph, method, symbols)
            : SymbolEqualityComparer.Default.Equals(cached._method, method) ? cached
            : Run(graph, method, symbols);

    // Apart from Of: the closure is allocated only when the facts are computed, not on every lookup.
    private static ConditionFacts Add(ControlFlowGraph graph, IMethodSymbol? method, RuntimeSymbols symbols)
    {
        var stored = Cache.GetValue(graph, g => Run(g, method, symbols));
        return SymbolEqualityComparer.Default.Equals(stored._method, method) ? stored : Run(graph, method, symbols);
    }

    private static ConditionFacts Run(ControlFlowGraph graph, IMethodSymbol? method, RuntimeSymbols symbols)
    {
        var blocks = graph.Blocks;
        var facts = new ImmutableArray<ParameterCondition>?[blocks.Length];
        var trusted = TrustedParameters(graph, method);
        facts[0] = ImmutableArray<ParameterCondition>.Empty;
        var changed = true;
        for (var round = 0; changed; round++)
        {
            if (round == MaxRounds)
            {
                for (var i = 0; i < facts.Length; i++)
                {
                    facts[i] = blocks[i].IsReachable ? ImmutableArray<ParameterCondition>.Empty : null;
                }

                break;
            }

            changed = false;
            foreach (var block in blocks)
            {
                if (block.Ordinal == 0 || !block.IsReachable)
                {
                    continue;
                }

                ImmutableArray<ParameterCondition>? meet = null;
                if (block.Predecessors.IsEmpty)
                {
                    // A handler or finally: reached from anywhere in its region; nothing is known there.
                    meet = ImmutableArray<ParameterCondition>.Empty;
                }

                foreach (var predecessor in block.Predecessors)
                {
                    if (facts[predecessor.Source.Ordinal] is not { } before)
                    {
                        continue;
                    }

                    var edge = Add(before, EdgeAtom(predecessor.Source, predecessor.IsConditionalSuccessor, method, trusted, symbols));
                    if (edge is { } feasible)
                    {
                        meet = meet is { } soFar ? Intersect(soFar, feasible) : feasible;
                    }
                }

                if (meet is { } value && (facts[block.Ordinal] is not { } old || !MethodSummary.SameConditions(old, value)))
                {
                    facts[block.Ordinal] = value;
                    changed = true;
                }
            }
        }

        return new ConditionFacts(facts, trusted, method);
    }

    /// <summary><paramref name="set"/> with <paramref name="atom"/> added; null when they contradict.</summary>
    public static ImmutableArray<ParameterCondition>? Add(ImmutableArray<ParameterCondition> set, ParameterCondition? atom)
    {
        if (atom is not { } added || set.Contains(added))
        {
            return set;
        }

        foreach (var existing in set)
        {
            if (existing.Contradicts(added))
            {
                return null;
            }
        }

        var builder = set.ToBuilder();
        builder.Add(added);
        builder.Sort();
        if (builder.Count > MaxAtoms)
        {
            builder.RemoveAt(builder.Count - 1);
        }

        return builder.ToImmutable();
    }

    /// <summary>The union of two conjunctions; null when they contradict.</summary>
    public static ImmutableArray<ParameterCondition>? Union(ImmutableArray<ParameterCondition> a, ImmutableArray<ParameterCondition> b)
    {
        ImmutableArray<ParameterCondition>? result = a;
        foreach (var atom in b)
        {
            if (result is not { } soFar)
            {
                return null;
            }

            result = Add(soFar, atom);
        }

        return result;
    }

    /// <summary>The atoms both conjunctions hold (what every path of a join still proves).</summary>
    internal static ImmutableArray<ParameterCondition> Intersect(ImmutableArray<ParameterCondition> a, ImmutableArray<ParameterCondition> b)
    {
        if (MethodSummary.SameConditions(a, b))
        {
            return a;
        }

        var builder = ImmutableArray.CreateBuilder<ParameterCondition>();
        foreach (var atom in a)
        {
            if (b.Contains(atom))
            {
                builder.Add(atom);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The atom about a trusted parameter of <paramref name="method"/> that taking <paramref name="branch"/> proves, if any
    /// (for analyses that track their own facts per path, such as GFP004's conditions on uncleared paths).
    /// </summary>
    public static ParameterCondition? AtomOn(ControlFlowBranch branch, IMethodSymbol? method, ulong trusted, RuntimeSymbols symbols)
        => EdgeAtom(branch.Source, branch.IsConditionalSuccessor, method, trusted, symbols);

    /// <summary>The value parameters of <paramref name="method"/> its graph never assigns (bit i: ordinal i), without the block facts.</summary>
    public static ulong TrustedParametersOf(ControlFlowGraph graph, IMethodSymbol? method) => TrustedParameters(graph, method);

    /// <summary>The atom the branch of <paramref name="source"/> taken along this edge proves, if any.</summary>
    private static ParameterCondition? EdgeAtom(BasicBlock source, bool conditionalEdge, IMethodSymbol? method, ulong trusted, RuntimeSymbols symbols)
    {
        if (source.ConditionKind == ControlFlowConditionKind.None || source.BranchValue is not { } condition)
        {
            return null;
        }

        var conditionTrue = conditionalEdge == (source.ConditionKind == ControlFlowConditionKind.WhenTrue);
        return Recognize(condition, conditionTrue, method, trusted, symbols);
    }

    /// <summary>The atom that holds when <paramref name="condition"/> evaluates to <paramref name="value"/>.</summary>
    private static ParameterCondition? Recognize(IOperation condition, bool value, IMethodSymbol? method, ulong trusted, RuntimeSymbols symbols)
    {
        condition = ConditionOperand.Strip(condition, out var notted)!;
        value ^= notted;

        if (BitTest.Recognize(condition, symbols) is { } test)
        {
            if (TrustedOrdinal(test.Variable, method, trusted) is not { } ordinal || test.Exact is not null
                || (test.All && (test.Bits & (test.Bits - 1)) != 0))
            {
                return null;
            }

            var set = value != test.Negated;
            return new ParameterCondition(ordinal, set ? ConditionKind.HasAnyBit : ConditionKind.LacksBits, test.Bits);
        }

        switch (condition)
        {
            case IParameterReferenceOperation reference when reference.Type?.SpecialType == SpecialType.System_Boolean:
                return TrustedOrdinal(reference.Parameter, method, trusted) is { } flag
                    ? new ParameterCondition(flag, value ? ConditionKind.IsTrue : ConditionKind.IsFalse)
                    : null;

            case IIsPatternOperation { Value: var tested, Pattern: var pattern }:
            {
                var negated = false;
                while (pattern is INegatedPatternOperation negatedPattern)
                {
                    negated = !negated;
                    pattern = negatedPattern.Pattern;
                }

                if (pattern is not IConstantPatternOperation { Value: var constant } || TrustedOrdinal(ParameterOf(tested), method, trusted) is not { } ordinal)
                {
                    return null;
                }

                return Compare(ordinal, constant, equals: value != negated);
            }

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
            {
                var (operand, constant) = comparison.RightOperand.ConstantValue.HasValue
                    ? (comparison.LeftOperand, comparison.RightOperand)
                    : (comparison.RightOperand, comparison.LeftOperand);
                if (!constant.ConstantValue.HasValue || TrustedOrdinal(ParameterOf(operand), method, trusted) is not { } ordinal)
                {
                    return null;
                }

                return Compare(ordinal, constant, equals: value == (comparison.OperatorKind == BinaryOperatorKind.Equals));
            }

            default:
                return null;
        }
    }

    private static ParameterCondition? Compare(int ordinal, IOperation constant, bool equals)
    {
        var constantValue = constant.ConstantValue;
        if (!constantValue.HasValue)
        {
            return null;
        }

        if (constantValue.Value is null)
        {
            return new ParameterCondition(ordinal, equals ? ConditionKind.IsNull : ConditionKind.IsNotNull);
        }

        if (constantValue.Value is bool flag)
        {
            return new ParameterCondition(ordinal, flag == equals ? ConditionKind.IsTrue : ConditionKind.IsFalse);
        }

        return ArgumentFacts.ToInt64(constantValue.Value) is { } number
            ? new ParameterCondition(ordinal, equals ? ConditionKind.EqualsConstant : ConditionKind.NotEqualsConstant, number)
            : null;
    }

    private static IParameterSymbol? ParameterOf(IOperation operation)
    {
        while (operation is IConversionOperation { OperatorMethod: null } conversion)
        {
            operation = conversion.Operand;
        }

        return (operation as IParameterReferenceOperation)?.Parameter;
    }

    private static int? TrustedOrdinal(ISymbol? symbol, IMethodSymbol? method, ulong trusted)
        => symbol is IParameterSymbol { Ordinal: < 64 } parameter
           && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method)
           && (trusted & (1UL << parameter.Ordinal)) != 0
            ? parameter.Ordinal
            : null;

    /// <summary>Value parameters the method never assigns (bit i: ordinal i).</summary>
    private static ulong TrustedParameters(ControlFlowGraph graph, IMethodSymbol? method)
    {
        ulong trusted = 0;
        foreach (var parameter in method?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty)
        {
            if (parameter.Ordinal < 64 && parameter.RefKind == RefKind.None)
            {
                trusted |= 1UL << parameter.Ordinal;
            }
        }

        if (trusted == 0)
        {
            return 0;
        }

        // Every operation of the body, lambdas and local functions included, in any order (the bits only ever clear).
        var stack = OperationStacks.Rent();
        stack.PushChildren(graph.OriginalOperation);
        while (stack.Count > 0)
        {
            var operation = stack.Pop().Operation;
            stack.PushChildren(operation);
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IArgumentOperation { Parameter.RefKind: not RefKind.None } argument => argument.Value,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };
            if (target is IParameterReferenceOperation reference && reference.Parameter.Ordinal < 64)
            {
                trusted &= ~(1UL << reference.Parameter.Ordinal);
            }
        }

        OperationStacks.Return(stack);
        return trusted;
    }
}

using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>Walking a method's graph together with the graphs of the lambdas and local functions inside it.</summary>
internal static class ControlFlowGraphs
{
    /// <summary>
    /// The graph itself and, recursively, every lambda and local function graph nested in it, each with the
    /// symbol that owns it (so a lambda is analysed as its own method, with its own attributes).
    /// </summary>
    public static IEnumerable<(ControlFlowGraph Graph, ISymbol Owner)> WithNestedGraphs(ControlFlowGraph cfg, ISymbol owner, CancellationToken ct)
    {
        var pending = new Stack<(ControlFlowGraph, ISymbol)>();
        pending.Push((cfg, owner));
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (graph, symbol) = pending.Pop();
            yield return (graph, symbol);
            foreach (var localFunction in graph.LocalFunctions)
            {
                pending.Push((graph.GetLocalFunctionControlFlowGraph(localFunction, ct), localFunction));
            }

            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    PushLambdas(graph, operation, pending, ct);
                }

                if (block.BranchValue is { } branchValue)
                {
                    PushLambdas(graph, branchValue, pending, ct);
                }
            }
        }
    }

    /// <summary>
    /// Whether the driver can build a graph for an operation block (it builds it for the block's root): a
    /// method, constructor or accessor body, or an initializer. Attribute arguments and the like cannot.
    /// </summary>
    public static bool HasGraph(IOperation block)
    {
        var root = block;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return root is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation
            or IFieldInitializerOperation or IPropertyInitializerOperation or IParameterInitializerOperation;
    }

    /// <summary>
    /// One block per distinct graph root among a context's operation blocks (several blocks can share a root),
    /// keeping only blocks the driver can build a graph for. Pass the returned block to GetControlFlowGraph.
    /// </summary>
    public static IEnumerable<IOperation> DistinctGraphBlocks(System.Collections.Immutable.ImmutableArray<IOperation> blocks)
    {
        var roots = new HashSet<IOperation>();
        foreach (var block in blocks)
        {
            var root = block;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            if (HasGraph(root) && roots.Add(root))
            {
                yield return block;
            }
        }
    }

    /// <summary>
    /// Every operation in the graph's reachable blocks (not the bodies of lambdas, which are graphs of their own;
    /// not code under `if (false)` or a false const, which never runs).
    /// </summary>
    public static IEnumerable<IOperation> Operations(ControlFlowGraph graph)
    {
        foreach (var (operation, _) in OperationsWithBlocks(graph))
        {
            yield return operation;
        }
    }

    /// <summary><see cref="Operations"/> with the ordinal of the block each is in.</summary>
    public static IEnumerable<(IOperation Operation, int Block)> OperationsWithBlocks(ControlFlowGraph graph)
    {
        foreach (var block in graph.Blocks)
        {
            if (!block.IsReachable)
            {
                continue;
            }

            foreach (var statement in block.Operations)
            {
                foreach (var operation in statement.DescendantsAndSelf())
                {
                    yield return (operation, block.Ordinal);
                }
            }

            if (block.BranchValue is { } branchValue)
            {
                foreach (var operation in branchValue.DescendantsAndSelf())
                {
                    yield return (operation, block.Ordinal);
                }
            }
        }
    }

    /// <summary>Every operation of the graph's blocks, unreachable ones included (not the bodies of lambdas, graphs of their own).</summary>
    public static IEnumerable<IOperation> AllOperations(ControlFlowGraph graph)
    {
        foreach (var block in graph.Blocks)
        {
            foreach (var statement in block.Operations)
            {
                foreach (var operation in statement.DescendantsAndSelf())
                {
                    yield return operation;
                }
            }

            if (block.BranchValue is { } branchValue)
            {
                foreach (var operation in branchValue.DescendantsAndSelf())
                {
                    yield return operation;
                }
            }
        }
    }

    private static void PushLambdas(ControlFlowGraph graph, IOperation root, Stack<(ControlFlowGraph, ISymbol)> pending, CancellationToken ct)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IFlowAnonymousFunctionOperation lambda)
            {
                pending.Push((graph.GetAnonymousFunctionControlFlowGraph(lambda, ct), lambda.Symbol));
            }
        }
    }
}

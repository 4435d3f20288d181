using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Operations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>Walking a method's graph together with the graphs of the lambdas and local functions inside it.</summary>
internal static class ControlFlowGraphs
{
    /// <summary>The nested graphs of each graph a rule asked for (every rule that looks into lambdas asks for the same graphs).</summary>
    private static readonly PerGraphCache<(ControlFlowGraph Graph, ISymbol Owner)[]> Nested = new();

    // One graph per operation-tree root, whoever asks first: a rule (the driver's graph of its operation block) or a
    // summary of a callee (built here from the same root, which the driver's cached semantic model hands out again).
    // Without it a method both analysed and summarised gets two graphs, and every per-graph cache (flag values, atomic
    // context, conditions) is computed twice. A graph lives as long as the model that keeps its operation tree (the
    // driver drops a tree's model once the tree is analysed).
    private static readonly PerRootCache<ControlFlowGraph> Graphs = new();

    /// <summary>
    /// The graph of a rule's operation block (pass a block <see cref="HasGraph"/> accepts): the one a summary built for
    /// its root if there is one, else the driver's, which summaries then reuse. Use it instead of
    /// <c>context.GetControlFlowGraph</c>, so that every analyzer of ours gets the same graph object.
    /// </summary>
    public static ControlFlowGraph Of(OperationBlockAnalysisContext context, IOperation block)
    {
        var root = FunctionScan.RootOf(block);
        return Graphs.Find(root) ?? Graphs.Keep(root, context.GetControlFlowGraph(block));
    }

    /// <summary>
    /// The graph of an operation-tree root (a method, constructor or accessor body) outside a rule's callback, for a
    /// summary: the one a rule or another summary already has, else built here and kept for them. Null for other roots.
    /// </summary>
    public static ControlFlowGraph? OfRoot(IOperation root, CancellationToken ct)
    {
        if (Graphs.Find(root) is { } known)
        {
            return known;
        }

        ControlFlowGraph? graph = root switch
        {
            IMethodBodyOperation method => ControlFlowGraph.Create(method, ct),
            IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor, ct),
            IBlockOperation block => ControlFlowGraph.Create(block, ct),
            _ => null,
        };
        return graph is null ? null : Graphs.Keep(root, graph);
    }

    /// <summary>
    /// The graph itself and, recursively, every lambda and local function graph nested in it, each with the
    /// symbol that owns it (so a lambda is analysed as its own method, with its own attributes). Found once per graph.
    /// </summary>
    public static IReadOnlyList<(ControlFlowGraph Graph, ISymbol Owner)> WithNestedGraphs(ControlFlowGraph cfg, ISymbol owner, CancellationToken ct)
        => Nested.Get(cfg, owner, ct, static (graph, symbol, token) => FindNestedGraphs(graph, symbol, token));

    private static (ControlFlowGraph Graph, ISymbol Owner)[] FindNestedGraphs(ControlFlowGraph cfg, ISymbol owner, CancellationToken ct)
    {
        var result = new List<(ControlFlowGraph Graph, ISymbol Owner)>();
        var pending = new Stack<(ControlFlowGraph, ISymbol)>();
        var operations = new List<IOperation>();
        pending.Push((cfg, owner));
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (graph, symbol) = pending.Pop();
            result.Add((graph, symbol));
            foreach (var localFunction in graph.LocalFunctions)
            {
                pending.Push((graph.GetLocalFunctionControlFlowGraph(localFunction, ct), localFunction));
            }

            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    PushLambdas(graph, operation, pending, operations, ct);
                }

                if (block.BranchValue is { } branchValue)
                {
                    PushLambdas(graph, branchValue, pending, operations, ct);
                }
            }
        }

        return result.ToArray();
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

    /// <summary><see cref="Operations"/> with the ordinal of the block each is in (each statement in pre-order, as <c>DescendantsAndSelf</c>).</summary>
    public static IEnumerable<(IOperation Operation, int Block)> OperationsWithBlocks(ControlFlowGraph graph)
    {
        // One stack for the whole graph (not an enumerator per statement).
        var pending = new List<IOperation>();
        foreach (var block in graph.Blocks)
        {
            if (!block.IsReachable)
            {
                continue;
            }

            var operations = block.Operations;
            for (var i = 0; i <= operations.Length; i++)
            {
                var statement = i < operations.Length ? operations[i] : block.BranchValue;
                if (statement is null)
                {
                    continue;
                }

                pending.Add(statement);
                while (pending.Count > 0)
                {
                    var operation = pending[pending.Count - 1];
                    pending.RemoveAt(pending.Count - 1);
                    foreach (var child in operation.ChildOperations.Reverse())
                    {
                        pending.Add(child);
                    }

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

    /// <summary>Pushes the graph of every lambda in <paramref name="root"/>, in the order a pre-order walk meets them.</summary>
    private static void PushLambdas(ControlFlowGraph graph, IOperation root, Stack<(ControlFlowGraph, ISymbol)> pending, List<IOperation> operations, CancellationToken ct)
    {
        operations.Add(root);
        while (operations.Count > 0)
        {
            var operation = operations[operations.Count - 1];
            operations.RemoveAt(operations.Count - 1);
            if (operation is IFlowAnonymousFunctionOperation lambda)
            {
                pending.Push((graph.GetAnonymousFunctionControlFlowGraph(lambda, ct), lambda.Symbol));
            }

            foreach (var child in operation.ChildOperations.Reverse())
            {
                operations.Add(child);
            }
        }
    }
}

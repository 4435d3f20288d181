// The control-flow graph of a method of the compilation, found from its syntax, for summaries of callees the driver
// has not (yet) analysed — which is what makes interprocedural results available while the user types
// (document-scoped analysis never visits the callee's file) and independent of analysis order. It is the same graph
// object the rules get for that body (ControlFlowGraphs.OfRoot), whichever asked first: one graph per body.
using System.Collections.Generic;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Operations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

internal static class MethodBodies
{
    /// <summary>Methods with more operations than this get no summary (unknown, which is silent): bounds the cost of one body.</summary>
    public const int MaxOperations = 4000;

    /// <summary>
    /// The graph of <paramref name="method"/>'s body (for a local function: its graph nested in the enclosing
    /// member's), or null when it has no body here, is too large, or does not bind.
    /// </summary>
    public static ControlFlowGraph? TryGetGraph(IMethodSymbol method, Compilation compilation, CancellationToken ct)
    {
        var body = method.PartialImplementationPart ?? method;
        if (body.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var syntax = body.DeclaringSyntaxReferences[0].GetSyntax(ct);
        if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree) || syntax.ContainsDiagnostics || SyntaxTooLarge(syntax))
        {
            // Checked before binding: a body the parser gave up on (an expression nested too deeply) or a huge one is
            // never bound here, on an analyzer thread's stack, only to be declared unknown afterwards.
            return null;
        }

        // RS1030 warns that a semantic model created inside an analyzer is not shared. Roslyn 4.x serves this call
        // from the driver's cache: CompilationWithAnalyzers (IDE, tests) and the command-line driver
        // (AnalyzerDriver.CreateAndAttachToCompilation) attach a CachingSemanticModelProvider to the compilation
        // they analyse (WithSemanticModelProvider), and Compilation.GetSemanticModel asks that provider first.
        // So this returns the very model the driver uses for that tree, bound once.
#pragma warning disable RS1030
        var model = compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030

        if (body.MethodKind == MethodKind.LocalFunction)
        {
            return LocalFunctionGraph(body, syntax, model, ct);
        }

        var root = model.GetOperation(syntax, ct);
        return root is null ? null : GraphOf(root, ct);
    }

    private static ControlFlowGraph? GraphOf(IOperation operation, CancellationToken ct)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        if (operation is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation) || TooLargeOrInvalid(operation))
        {
            return null;
        }

        // The graph a rule (or another summary) already has for this root, else one they will share.
        return ControlFlowGraphs.OfRoot(operation, ct);
    }

    private static ControlFlowGraph? LocalFunctionGraph(IMethodSymbol local, SyntaxNode syntax, SemanticModel model, CancellationToken ct)
    {
        // The enclosing member's body is the graph root; the local function's graph hangs below it.
        for (var node = syntax.Parent; node is not null; node = node.Parent)
        {
            var member = model.GetOperation(node, ct);
            if (member is IMethodBodyOperation or IConstructorBodyOperation && GraphOf(member, ct) is { } outer)
            {
                return LocalFunctionGraphFrom(outer, local, ct);
            }
        }

        return null;
    }

    /// <summary>More syntax nodes than could make <see cref="MaxOperations"/> operations fit (a walk that stops early).</summary>
    private static bool SyntaxTooLarge(SyntaxNode syntax)
    {
        var count = 0;
        foreach (var _ in syntax.DescendantNodes())
        {
            if (++count > 4 * MaxOperations)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Past the size bound, or code being typed (a body that does not bind): say nothing about it.</summary>
    public static bool TooLargeOrInvalid(IOperation root)
    {
        // In any order: past the bound the answer is true whatever was seen, below it every operation is seen.
        var count = 0;
        var stack = OperationStacks.Rent();
        stack.PushChildren(root);
        var result = false;
        while (stack.Count > 0)
        {
            var operation = stack.Pop().Operation;
            if (++count > MaxOperations || operation is IInvalidOperation)
            {
                result = true;
                break;
            }

            stack.PushChildren(operation);
        }

        OperationStacks.Return(stack);
        return result;
    }

    /// <summary>
    /// The graph of local function <paramref name="local"/> when <paramref name="caller"/> (a graph of the method that
    /// declares it, or of another of its local functions) already has it: no second graph of the enclosing method.
    /// </summary>
    public static ControlFlowGraph? LocalFunctionGraphFrom(ControlFlowGraph caller, IMethodSymbol local, CancellationToken ct)
    {
        var root = caller;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        var pending = new Stack<ControlFlowGraph>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var graph = pending.Pop();
            foreach (var function in graph.LocalFunctions)
            {
                var nested = graph.GetLocalFunctionControlFlowGraph(function, ct);
                if (SymbolEqualityComparer.Default.Equals(function, local))
                {
                    return nested;
                }

                pending.Push(nested);
            }
        }

        return null;
    }
}

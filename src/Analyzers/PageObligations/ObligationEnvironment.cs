using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// Per-compilation facts the obligation analysis needs: the runtime's symbols, the annotation, how to tell a
/// NoCodetag allocation, and the cache of method summaries (shared by every method of the compilation).
/// </summary>
internal sealed class ObligationEnvironment
{
    /// <summary>Summaries nest this deep at most; deeper callees count as unknown (they may clear).</summary>
    private const int MaxSummaryDepth = 12;

    private readonly ConcurrentDictionary<IMethodSymbol, MethodObligationSummary> _summaries = new(SymbolEqualityComparer.Default);

    public ObligationEnvironment(
        Compilation compilation,
        RuntimeSymbols symbols,
        Func<ControlFlowGraph, CancellationToken, Func<IOperation, bool?>> noCodetagFlagsFor)
    {
        Symbols = symbols;
        NoCodetagPagesAttribute = compilation.GetTypeByMetadataName(RuntimeSymbols.RuntimeNamespace + ".NoCodetagPagesAttribute");
        CompilationAssembly = compilation.Assembly;
        NoCodetagFlagsFor = noCodetagFlagsFor;
    }

    public RuntimeSymbols Symbols { get; }

    public INamedTypeSymbol? NoCodetagPagesAttribute { get; }

    public IAssemblySymbol CompilationAssembly { get; }

    /// <summary>
    /// For one graph: does this flags expression (as it appears in the graph) carry NoCodetag on every path (true),
    /// on none (false), or maybe (null)?
    /// </summary>
    public Func<ControlFlowGraph, CancellationToken, Func<IOperation, bool?>> NoCodetagFlagsFor { get; }

    /// <summary><c>AllocPage</c>, <c>AllocPages</c> or <c>AllocPagesNode</c>: the allocator's entry points that take flags.</summary>
    public bool IsAllocation(IMethodSymbol method) => Symbols.IsAllocation(method);

    /// <summary><c>ClearPageTagRef</c> or <c>ClearPageTagRefIfNotSet</c>.</summary>
    public bool IsClear(IMethodSymbol method) => Symbols.IsClearPageTagRef(method);

    public bool IsAnnotated(ISymbol symbol) => Symbols.HasAttribute(symbol, NoCodetagPagesAttribute);

    public bool ReturnIsAnnotated(IMethodSymbol method)
    {
        if (NoCodetagPagesAttribute is null)
        {
            return false;
        }

        foreach (var attribute in method.GetReturnTypeAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, NoCodetagPagesAttribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The summary of a method of this compilation, computed on first use and cached. Returns null while the
    /// method is being summarized further up the same query (recursion) or past the depth limit; methods in a
    /// recursive cycle get <see cref="MethodObligationSummary.Opaque"/>, whichever of them is asked first.
    /// </summary>
    public MethodObligationSummary? GetSummary(IMethodSymbol method, ControlFlowGraph callerGraph, SummaryQuery query, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (_summaries.TryGetValue(method, out var cached))
        {
            return cached;
        }

        if (query.Enter(method) is not { } depth)
        {
            return null;
        }

        if (depth >= MaxSummaryDepth)
        {
            // Not cached: which method is first asked this deep depends on which thread gets there first, and the
            // cache must not remember a coarser summary than the method's own analysis gives.
            query.Leave(depth);
            return SyntacticSummary.Of(method, cancellationToken);
        }

        MethodObligationSummary summary;
        bool inCycle;
        try
        {
            var graph = FindGraph(method, callerGraph, cancellationToken);
            summary = graph is not null
                ? PageObligationAnalysis.Run(graph, method, this, query, cancellationToken)?.Summary ?? MethodObligationSummary.Opaque
                : SyntacticSummary.Of(method, cancellationToken);
        }
        finally
        {
            inCycle = query.Leave(depth);
        }

        if (inCycle)
        {
            summary = MethodObligationSummary.Opaque;
        }

        return _summaries.GetOrAdd(method, summary);
    }

    /// <summary>Caches the summary a method's own analysis produced, unless the method turned out to be recursive.</summary>
    public void Remember(IMethodSymbol method, MethodObligationSummary summary) => _summaries.TryAdd(method.OriginalDefinition, summary);

    /// <summary>
    /// The graph of a callee whose body the caller's semantic model can see: a local function of an enclosing
    /// graph, or a non-virtual method or constructor declared in the caller's syntax tree. Anything else
    /// (other trees, virtual dispatch, no body) is not analyzed.
    /// </summary>
    private static ControlFlowGraph? FindGraph(IMethodSymbol method, ControlFlowGraph callerGraph, CancellationToken cancellationToken)
    {
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            for (var graph = callerGraph; graph is not null; graph = graph.Parent)
            {
                foreach (var localFunction in graph.LocalFunctions)
                {
                    if (SymbolEqualityComparer.Default.Equals(localFunction, method))
                    {
                        return graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken);
                    }
                }
            }

            return null;
        }

        if (method.IsAbstract || method.IsVirtual || (method.IsOverride && !method.IsSealed) || method.IsExtern
            || method.ContainingType?.TypeKind == TypeKind.Interface
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.Constructor or MethodKind.StaticConstructor))
        {
            return null;
        }

        method = method.PartialImplementationPart ?? method;
        var model = RootOf(callerGraph).OriginalOperation.SemanticModel;
        if (model is null || method.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var reference = method.DeclaringSyntaxReferences[0];
        if (reference.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        return model.GetOperation(reference.GetSyntax(cancellationToken), cancellationToken) switch
        {
            IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
            IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
            _ => null,
        };
    }

    private static ControlFlowGraph RootOf(ControlFlowGraph graph)
    {
        while (graph.Parent is not null)
        {
            graph = graph.Parent;
        }

        return graph;
    }
}

/// <summary>
/// The chain of methods being summarized for one top-level analysis, with a Tarjan-style low link so that
/// every method of a recursive cycle is recognized as such.
/// </summary>
internal sealed class SummaryQuery
{
    private readonly List<IMethodSymbol> _stack = new();

    /// <summary>Per frame: the lowest depth of a method on the stack that this frame's analysis reached again.</summary>
    private readonly List<int> _lowLinks = new();

    /// <summary>Pushes <paramref name="method"/> and returns its depth, or null when it is already on the stack (recursion).</summary>
    public int? Enter(IMethodSymbol method)
    {
        for (var i = 0; i < _stack.Count; i++)
        {
            if (SymbolEqualityComparer.Default.Equals(_stack[i], method.OriginalDefinition))
            {
                var top = _lowLinks.Count - 1;
                _lowLinks[top] = Math.Min(_lowLinks[top], i);
                return null;
            }
        }

        _stack.Add(method.OriginalDefinition);
        _lowLinks.Add(int.MaxValue);
        return _stack.Count - 1;
    }

    /// <summary>Pops the method entered at <paramref name="depth"/>; true when it is part of a recursive cycle.</summary>
    public bool Leave(int depth)
    {
        var lowLink = _lowLinks[depth];
        _stack.RemoveAt(depth);
        _lowLinks.RemoveAt(depth);
        if (lowLink < depth)
        {
            // The cycle reaches further up: the caller is part of it too.
            _lowLinks[depth - 1] = Math.Min(_lowLinks[depth - 1], lowLink);
        }

        return lowLink <= depth;
    }
}

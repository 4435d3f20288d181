using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
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
    /// The summary of a method of this compilation, computed on first use and cached. A pure function of the
    /// compilation, whichever method is asked first and on whichever thread: summaries are computed bottom-up over
    /// the strongly connected components of the call graph below <paramref name="method"/> (an iterative Tarjan walk,
    /// so chains of any length cost no call-stack depth), and every method of a recursive cycle is
    /// <see cref="MethodObligationSummary.Opaque"/>.
    /// </summary>
    public MethodObligationSummary GetSummary(IMethodSymbol method, ControlFlowGraph callerGraph, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (_summaries.TryGetValue(method, out var cached))
        {
            return cached;
        }

        if (t_summarizing)
        {
            // A callee the walk below did not list as an edge (it lists every call with arguments, so this is a
            // safety net): never recurse, answer from syntax alone (itself a pure function of the method).
            return SyntacticSummary.Of(method, cancellationToken);
        }

        t_summarizing = true;
        try
        {
            SummarizeComponentsBelow(method, callerGraph, cancellationToken);
        }
        finally
        {
            t_summarizing = false;
        }

        return _summaries.TryGetValue(method, out var computed) ? computed : MethodObligationSummary.Opaque;
    }

    /// <summary>True while this thread computes summaries (the analysis of a callee must not start another walk).</summary>
    [ThreadStatic]
    private static bool t_summarizing;

    /// <summary>
    /// Tarjan's algorithm with an explicit stack over the methods reachable from <paramref name="root"/> through calls
    /// that pass arguments. Components come out callees first; each is summarized when it comes out, so the analysis
    /// of a method finds its callees' summaries already cached. Cached methods are still walked (their edges are cheap
    /// and cached): whether a method is part of a cycle must not depend on what another thread finished first.
    /// </summary>
    private void SummarizeComponentsBelow(IMethodSymbol root, ControlFlowGraph rootCallerGraph, CancellationToken cancellationToken)
    {
        var index = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        var lowLink = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        var onStack = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var component = new Stack<IMethodSymbol>();
        var work = new Stack<(IMethodSymbol Method, CalleeList Callees, int Next)>();

        void Visit(IMethodSymbol method, ControlFlowGraph callerGraph)
        {
            index[method] = lowLink[method] = index.Count;
            component.Push(method);
            onStack.Add(method);
            work.Push((method, CalleesOf(method, callerGraph, cancellationToken), 0));
        }

        Visit(root, rootCallerGraph);
        while (work.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (method, callees, next) = work.Pop();
            if (next < callees.Methods.Count)
            {
                work.Push((method, callees, next + 1));
                var callee = callees.Methods[next];
                if (!index.ContainsKey(callee))
                {
                    Visit(callee, callees.Graph!);
                }
                else if (onStack.Contains(callee))
                {
                    lowLink[method] = Math.Min(lowLink[method], index[callee]);
                }

                continue;
            }

            if (work.Count > 0)
            {
                var caller = work.Peek().Method;
                lowLink[caller] = Math.Min(lowLink[caller], lowLink[method]);
            }

            if (lowLink[method] != index[method])
            {
                continue;
            }

            var members = new List<IMethodSymbol>();
            IMethodSymbol popped;
            do
            {
                popped = component.Pop();
                onStack.Remove(popped);
                members.Add(popped);
            }
            while (!SymbolEqualityComparer.Default.Equals(popped, method));

            var recursive = members.Count > 1 || callees.Methods.Contains(method, SymbolEqualityComparer.Default);
            foreach (var member in members)
            {
                if (!_summaries.ContainsKey(member))
                {
                    _summaries.TryAdd(member, recursive ? MethodObligationSummary.Opaque : Summarize(member, cancellationToken));
                }
            }
        }
    }

    /// <summary>The summary of a method whose callees (outside its own cycle) are all summarized already.</summary>
    private MethodObligationSummary Summarize(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var graph = _callees.TryGetValue(method, out var callees) ? callees.Graph : null;
        return graph is not null
            ? PageObligationAnalysis.Run(graph, method, this, cancellationToken)?.Summary ?? MethodObligationSummary.Opaque
            : SyntacticSummary.Of(method, cancellationToken);
    }

    /// <summary>
    /// A method's graph (null when we cannot see its body) and the methods of this compilation it calls with
    /// arguments: the calls whose summary its analysis may ask for. Computed once per method, in source order.
    /// </summary>
    private CalleeList CalleesOf(IMethodSymbol method, ControlFlowGraph callerGraph, CancellationToken cancellationToken)
    {
        if (_callees.TryGetValue(method, out var known))
        {
            return known;
        }

        var graph = FindGraph(method, callerGraph, cancellationToken);
        var methods = new List<IMethodSymbol>();
        if (graph is not null)
        {
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    AddCallees(operation, seen, methods);
                }

                if (block.BranchValue is { } branchValue)
                {
                    AddCallees(branchValue, seen, methods);
                }
            }
        }

        return _callees.GetOrAdd(method, new CalleeList(graph, methods));
    }

    private void AddCallees(IOperation root, HashSet<IMethodSymbol> seen, List<IMethodSymbol> methods)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            var (target, arguments) = operation switch
            {
                IInvocationOperation invocation => (invocation.TargetMethod, invocation.Arguments.Length),
                IObjectCreationOperation { Constructor: { } constructor } creation => (constructor, creation.Arguments.Length),
                _ => (null, 0),
            };
            if (target is not null && arguments > 0 && target.MethodKind != MethodKind.DelegateInvoke
                && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, CompilationAssembly)
                && seen.Add(target.OriginalDefinition))
            {
                methods.Add(target.OriginalDefinition);
            }
        }
    }

    private readonly ConcurrentDictionary<IMethodSymbol, CalleeList> _callees = new(SymbolEqualityComparer.Default);

    private sealed class CalleeList
    {
        public CalleeList(ControlFlowGraph? graph, List<IMethodSymbol> methods)
        {
            Graph = graph;
            Methods = methods;
        }

        public ControlFlowGraph? Graph { get; }

        public List<IMethodSymbol> Methods { get; }
    }

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

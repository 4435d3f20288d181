// GFP004's per-compilation cache of method summaries (what a method does to the pages passed to it, and whether it
// returns one its callers must clear), built on demand from each callee's own body in whatever file it is declared,
// read semantically (MethodBodies: the driver's cached semantic model, bodies too large or not parsing are never
// bound and stay opaque).
//
// Order: the methods reachable from the asked one are walked with an iterative Tarjan (no input-controlled call-stack
// depth), so each strongly connected component is summarized after everything it calls. A component of mutually
// recursive methods is solved to a fixed point: every member starts from "does nothing to its pages, returns none",
// members are re-analyzed in source order while a callee in the component changed, at most SummaryStore.MaxRounds
// analyses per member on average and SummaryStore.MaxComponent members; past either bound every member is opaque
// (its pages are assumed cleared: silent). The result is a pure function of the compilation, whichever method is
// asked first and on whichever thread (two threads may solve the same component: same result, the first stored wins).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Interprocedural;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

internal sealed class ObligationSummaryStore
{
    private readonly Compilation _compilation;
    private readonly ObligationEnvironment _environment;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodObligationSummary> _summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, CalleeList> _callees = new(SymbolEqualityComparer.Default);

    /// <summary>While this thread solves a recursive component: its members' current summaries.</summary>
    [ThreadStatic]
    private static Dictionary<IMethodSymbol, MethodObligationSummary>? t_component;

    /// <summary>True while this thread computes summaries (the analysis of a callee must not start another walk).</summary>
    [ThreadStatic]
    private static bool t_summarizing;

    public ObligationSummaryStore(Compilation compilation, ObligationEnvironment environment)
    {
        _compilation = compilation;
        _environment = environment;
    }

    public MethodObligationSummary Get(IMethodSymbol method, ControlFlowGraph callerGraph, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (t_component is { } component && component.TryGetValue(method, out var current))
        {
            return current;
        }

        if (_summaries.TryGetValue(method, out var cached))
        {
            return cached;
        }

        if (t_summarizing)
        {
            // A callee the walk did not list as an edge (it lists every call that passes a page or returns one, so
            // this is a safety net): never start a second walk from inside an analysis.
            return MethodObligationSummary.Opaque;
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

    /// <summary>
    /// Tarjan's algorithm with an explicit stack over the methods reachable from <paramref name="root"/>. Components come
    /// out callees first. Cached methods are still walked (their edges are cached): whether a method is part of a cycle
    /// must not depend on what another thread finished first.
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
                    lowLink[method] = System.Math.Min(lowLink[method], index[callee]);
                }

                continue;
            }

            if (work.Count > 0)
            {
                var caller = work.Peek().Method;
                lowLink[caller] = System.Math.Min(lowLink[caller], lowLink[method]);
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

            if (members.TrueForAll(_summaries.ContainsKey))
            {
                continue;
            }

            var recursive = members.Count > 1 || callees.Methods.Contains(method, SymbolEqualityComparer.Default);
            if (!recursive)
            {
                _summaries.TryAdd(method, Summarize(method, cancellationToken));
            }
            else
            {
                SolveComponent(members, cancellationToken);
            }
        }
    }

    /// <summary>A fixed point over a recursive component, from the summary that claims nothing, in source order.</summary>
    private void SolveComponent(List<IMethodSymbol> members, CancellationToken cancellationToken)
    {
        members.Sort(SummaryStore.CompareBySource);
        var solved = members.Count <= SummaryStore.MaxComponent ? FixedPoint(members, cancellationToken) : null;
        foreach (var member in members)
        {
            _summaries.TryAdd(member, solved?[member] ?? MethodObligationSummary.Opaque);
        }
    }

    private Dictionary<IMethodSymbol, MethodObligationSummary>? FixedPoint(List<IMethodSymbol> members, CancellationToken cancellationToken)
    {
        var current = new Dictionary<IMethodSymbol, MethodObligationSummary>(SymbolEqualityComparer.Default);
        var position = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        for (var i = 0; i < members.Count; i++)
        {
            current[members[i]] = Bottom(members[i]);
            position[members[i]] = i;
        }

        // callers[i]: the members that call member i (re-analyzed when its summary changes).
        var callers = new List<int>[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            callers[i] = new List<int>();
        }

        for (var i = 0; i < members.Count; i++)
        {
            foreach (var callee in _callees[members[i]].Methods)
            {
                if (position.TryGetValue(callee, out var calleeIndex))
                {
                    callers[calleeIndex].Add(i);
                }
            }
        }

        var dirty = new SortedSet<int>();
        for (var i = 0; i < members.Count; i++)
        {
            dirty.Add(i);
        }

        var budget = (long)SummaryStore.MaxRounds * members.Count;
        var outer = t_component;
        t_component = current;
        try
        {
            while (dirty.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (budget-- == 0)
                {
                    return null;
                }

                var next = dirty.Min;
                dirty.Remove(next);
                var summary = Summarize(members[next], cancellationToken);
                if (!summary.SameAs(current[members[next]]))
                {
                    current[members[next]] = summary;
                    foreach (var caller in callers[next])
                    {
                        dirty.Add(caller);
                    }
                }
            }
        }
        finally
        {
            t_component = outer;
        }

        return current;
    }

    /// <summary>
    /// The start of a fixed point: frees nothing, never returns (so nothing reaches its callers yet), returns no page
    /// that carries an obligation (and none of unknown origin, so a page returned from the bottom of the recursion can
    /// still be found).
    /// </summary>
    private static MethodObligationSummary Bottom(IMethodSymbol method)
    {
        var effects = ImmutableArray.CreateBuilder<ParameterEffect>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            effects.Add(new ParameterEffect(PageObligationAnalysis.MayHoldPage(parameter) ? ParameterEffectKind.Known : ParameterEffectKind.NotAPage, PagePaths.None));
        }

        return new MethodObligationSummary(effects.MoveToImmutable(), PagePaths.None, returnsUnknown: false);
    }

    /// <summary>
    /// The summary of a method whose callees outside its own component are all summarized already. A partial method is
    /// analyzed as its implementation, whose parameters the graph references.
    /// </summary>
    private MethodObligationSummary Summarize(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var graph = _callees.TryGetValue(method, out var callees) ? callees.Graph : null;
        return graph is not null
            ? PageObligationAnalysis.Run(graph, method.PartialImplementationPart ?? method, _environment, cancellationToken)?.Summary ?? MethodObligationSummary.Opaque
            : MethodObligationSummary.Opaque;
    }

    /// <summary>
    /// A method's graph (null when we cannot see its body) and the methods of this compilation whose summary its
    /// analysis may ask for: calls that hand a page to a parameter that can hold one, or return a page. Computed once per method, in source order.
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
            var (target, asks) = operation switch
            {
                IInvocationOperation invocation => (invocation.TargetMethod, _environment.HandsOverPage(invocation.Arguments) || _environment.ReturnsPage(invocation.TargetMethod)),
                IObjectCreationOperation { Constructor: { } constructor } creation => (constructor, _environment.HandsOverPage(creation.Arguments)),
                _ => (null, false),
            };
            if (target is not null && asks && target.MethodKind != MethodKind.DelegateInvoke
                && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _compilation.Assembly)
                && seen.Add(target.OriginalDefinition))
            {
                methods.Add(target.OriginalDefinition);
            }
        }
    }

    /// <summary>
    /// The graph of a callee: a local function (from the caller's graph when it holds it), or a non-virtual method or
    /// constructor of this compilation, in any of its files. Virtual dispatch, interfaces and bodies we cannot see stay
    /// unknown.
    /// </summary>
    private ControlFlowGraph? FindGraph(IMethodSymbol method, ControlFlowGraph callerGraph, CancellationToken cancellationToken)
    {
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            return MethodBodies.LocalFunctionGraphFrom(callerGraph, method, cancellationToken)
                   ?? MethodBodies.TryGetGraph(method, _compilation, cancellationToken);
        }

        if (method.IsAbstract || method.IsVirtual || (method.IsOverride && !method.IsSealed) || method.IsExtern
            || method.ContainingType?.TypeKind == TypeKind.Interface
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.Constructor or MethodKind.StaticConstructor))
        {
            return null;
        }

        return MethodBodies.TryGetGraph(method, _compilation, cancellationToken);
    }

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
}

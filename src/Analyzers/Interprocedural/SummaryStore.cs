// Per-compilation store of method summaries, computed on demand (the first rule that asks about a callee
// builds it from the callee's syntax, whichever file it is in) and cached, shared by every analyzer.
//
// Recursion: the call graph reached from the asked method is walked with an iterative Tarjan (explicit
// stack, no input-controlled recursion); each strongly connected component is solved after every component it
// calls, by a worklist over its members (lowest source position first; a member is redone when a callee in the
// component changed) until no summary changes — at most MaxRounds evaluations per member on average, after which
// the whole component is "unknown" (silent). Components larger than MaxComponent are unknown too.
// Every choice is ordered by source location, so a summary is a pure function of the compilation: it does not
// depend on which method was asked first nor on thread timing (two threads may solve the same component;
// both get the same result and the first stored wins).
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.Interprocedural;

internal sealed class SummaryStore
{
    /// <summary>Evaluations per member of one component (on average) before it is declared unknown.</summary>
    public const int MaxRounds = 32;

    /// <summary>Components (mutually recursive methods) with more members than this are unknown.</summary>
    public const int MaxComponent = 256;

    private static readonly ConditionalWeakTable<Compilation, SummaryStore> Stores = new();

    private readonly Compilation _compilation;
    private readonly RuntimeSymbols _symbols;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary> _summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, LocalFacts?> _locals = new(SymbolEqualityComparer.Default);

    /// <summary><see cref="SolvedOrUnknown"/>, allocated once per store.</summary>
    private readonly System.Func<IMethodSymbol, MethodSummary> _solvedOrUnknown;

    private SummaryStore(Compilation compilation, RuntimeSymbols symbols)
    {
        _compilation = compilation;
        _symbols = symbols;
        _solvedOrUnknown = SolvedOrUnknown;
    }

    /// <summary>The store of <paramref name="compilation"/>, shared by every analyzer of the driver that analyses it.</summary>
    public static SummaryStore For(Compilation compilation, RuntimeSymbols symbols)
        => Stores.TryGetValue(compilation, out var existing) ? existing : Create(compilation, symbols);

    // Apart from For: the closure is allocated once per compilation, not on every lookup.
    private static SummaryStore Create(Compilation compilation, RuntimeSymbols symbols)
        => Stores.GetValue(compilation, c => new SummaryStore(c, symbols));

    /// <summary>The key a method's summary is stored under (generic, partial and reduced extension methods share one).</summary>
    public static IMethodSymbol Key(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.PartialDefinitionPart ?? method;
        return method.OriginalDefinition;
    }

    /// <summary>How chains name a method: its name, its type's for a constructor, the property's for an accessor.</summary>
    public static string NameOf(IMethodSymbol method) => method switch
    {
        { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => method.ContainingType.Name,
        { AssociatedSymbol: { } associated } => associated.Name,
        _ => method.Name,
    };

    /// <summary>The summary of <paramref name="method"/> (a method of this compilation with a body), or <see cref="MethodSummary.Unknown"/>.</summary>
    public MethodSummary Get(IMethodSymbol method, CancellationToken ct, ControlFlowGraph? callerGraph = null)
    {
        var key = Key(method);
        if (_summaries.TryGetValue(key, out var done))
        {
            return done;
        }

        if (callerGraph is not null && key.MethodKind == MethodKind.LocalFunction && !_locals.ContainsKey(key)
            && MethodBodies.LocalFunctionGraphFrom(callerGraph, key, ct) is { } graph)
        {
            // The caller's graph already holds the local function's: its facts are the same as from a graph of its own.
            _locals.TryAdd(key, LocalFacts.Read(graph, key, _symbols, _compilation.Assembly, ct));
        }

        Solve(key, ct);
        return _summaries.TryGetValue(key, out done) ? done : MethodSummary.Unknown;
    }

    /// <summary>
    /// The driver's graph of <paramref name="method"/>'s own body, when an analyzer has it at hand: the method's facts are
    /// the same as from a graph built here, and the flag analysis of that graph is shared with the other rules.
    /// </summary>
    public void Offer(IMethodSymbol method, ControlFlowGraph graph, CancellationToken ct)
    {
        var key = Key(method);
        // Under the same bounds as a graph built here, or the result would depend on who got there first.
        if (graph.Parent is null && !_locals.ContainsKey(key) && !_summaries.ContainsKey(key)
            && SymbolEqualityComparer.Default.Equals(method.PartialImplementationPart ?? method, method)
            && !MethodBodies.TooLargeOrInvalid(graph.OriginalOperation))
        {
            _locals.TryAdd(key, LocalFacts.Read(graph, key, _symbols, _compilation.Assembly, ct));
        }
    }

    /// <summary>
    /// Whether <see cref="Offer"/> could still use a graph of <paramref name="method"/>: neither its summary nor its facts
    /// are known yet (a rule then need not get the graph for it).
    /// </summary>
    public bool WantsGraphOf(IMethodSymbol method)
    {
        var key = Key(method);
        return !_locals.ContainsKey(key) && !_summaries.ContainsKey(key);
    }

    private LocalFacts? Local(IMethodSymbol key, CancellationToken ct)
    {
        if (_locals.TryGetValue(key, out var facts))
        {
            return facts;
        }

        facts = MethodBodies.TryGetGraph(key, _compilation, ct) is { } graph
            ? LocalFacts.Read(graph, key, _symbols, _compilation.Assembly, ct)
            : null;
        return _locals.GetOrAdd(key, facts);
    }

    /// <summary>Iterative Tarjan from <paramref name="root"/>; each component is solved as soon as it is complete.</summary>
    private void Solve(IMethodSymbol root, CancellationToken ct)
    {
        // Taken, not shared: a summary asked for while one is solved on this thread (a callback's) gets a walk of its own.
        var walk = s_spareWalk ?? new TarjanWalk();
        s_spareWalk = null;
        try
        {
            Solve(root, walk, ct);
        }
        finally
        {
            walk.Clear();
            s_spareWalk = walk;
        }
    }

    private void Solve(IMethodSymbol root, TarjanWalk walk, CancellationToken ct)
    {
        var nodes = walk.Nodes;
        var component = walk.Component;
        var work = walk.Work;
        work.Push((root, null, 0));
        while (work.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (symbol, node, next) = work.Pop();
            if (node is null)
            {
                node = new TarjanNode(nodes.Count, Successors(symbol, ct));
                nodes.Add(symbol, node);
                component.Push(symbol);
            }

            var callees = node.Successors;
            if (next < callees.Count)
            {
                work.Push((symbol, node, next + 1));
                var callee = callees[next];
                if (!nodes.TryGetValue(callee, out var calleeNode))
                {
                    if (!_summaries.ContainsKey(callee))
                    {
                        work.Push((callee, null, 0));
                    }
                }
                else if (calleeNode.OnStack)
                {
                    node.Low = System.Math.Min(node.Low, calleeNode.Index);
                }

                continue;
            }

            if (work.Count > 0)
            {
                var parent = work.Peek().Node!;
                parent.Low = System.Math.Min(parent.Low, node.Low);
            }

            if (node.Low == node.Index && ReferenceEquals(component.Peek(), symbol) && !ContainsMethod(symbol, node.Successors))
            {
                // Most components: one method that does not call itself, all its callees solved. One evaluation, none of
                // the worklist's tables (the worklist would evaluate it once too, and keep the same summary).
                component.Pop();
                node.OnStack = false;
                _summaries.TryAdd(symbol, Local(symbol, ct) is { } facts ? Compose(symbol, facts, _solvedOrUnknown) : MethodSummary.Unknown);
            }
            else if (node.Low == node.Index)
            {
                var members = new List<IMethodSymbol>();
                IMethodSymbol member;
                do
                {
                    member = component.Pop();
                    nodes[member].OnStack = false;
                    members.Add(member);
                }
                while (!SymbolEqualityComparer.Default.Equals(member, symbol));

                SolveComponent(members, nodes, ct);
            }
        }
    }

    /// <summary>One walk's tables, kept per thread between walks (emptied after each).</summary>
    [System.ThreadStatic]
    private static TarjanWalk? s_spareWalk;

    private sealed class TarjanWalk
    {
        public Dictionary<IMethodSymbol, TarjanNode> Nodes { get; } = new(SymbolEqualityComparer.Default);

        public Stack<IMethodSymbol> Component { get; } = new();

        /// <summary>Methods to visit (Node null) or to go on with from their successor Next.</summary>
        public Stack<(IMethodSymbol Symbol, TarjanNode? Node, int Next)> Work { get; } = new();

        public void Clear()
        {
            Nodes.Clear();
            Component.Clear();
            Work.Clear();
        }
    }

    /// <summary>A method visited by the walk: its Tarjan index, low link, whether it is on the component stack, its callees.</summary>
    private sealed class TarjanNode
    {
        public TarjanNode(int index, List<IMethodSymbol> successors)
        {
            Index = Low = index;
            Successors = successors;
        }

        public int Index { get; }

        public int Low { get; set; }

        public bool OnStack { get; set; } = true;

        public List<IMethodSymbol> Successors { get; }
    }

    /// <summary>The successors of a method that calls no method of the compilation (never added to).</summary>
    private static readonly List<IMethodSymbol> NoSuccessors = new();

    private List<IMethodSymbol> Successors(IMethodSymbol node, CancellationToken ct)
    {
        if (Local(node, ct) is not { Calls: { Count: > 0 } calls })
        {
            return NoSuccessors;
        }

        // Most bodies make a few calls: a linear check for repeats; a set only for many.
        var result = new List<IMethodSymbol>(calls.Count);
        var seen = calls.Count > 8 ? new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) : null;
        foreach (var call in calls)
        {
            if (seen?.Add(call.Callee) ?? !ContainsMethod(call.Callee, result))
            {
                result.Add(call.Callee);
            }
        }

        return result;
    }

    private void SolveComponent(List<IMethodSymbol> members, Dictionary<IMethodSymbol, TarjanNode> nodes, CancellationToken ct)
    {
        members.Sort(CompareBySource);
        var current = new Dictionary<IMethodSymbol, MethodSummary>(SymbolEqualityComparer.Default);
        if (members.Count > MaxComponent)
        {
            Store(members, null);
            return;
        }

        foreach (var member in members)
        {
            current[member] = Empty(member);
        }

        MethodSummary Lookup(IMethodSymbol callee)
            => current.TryGetValue(callee, out var inComponent) ? inComponent
                : _summaries.TryGetValue(callee, out var done) ? done
                : MethodSummary.Unknown;

        // A worklist in source order: a member is re-evaluated when a callee of the component changed, so a long cycle
        // settles in about two passes. At most MaxRounds evaluations per member in all: past that, unknown.
        var index = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        for (var i = 0; i < members.Count; i++)
        {
            index[members[i]] = i;
        }

        var callers = new List<int>[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            callers[i] = new List<int>();
        }

        foreach (var member in members)
        {
            foreach (var callee in nodes[member].Successors)
            {
                if (index.TryGetValue(callee, out var calleeIndex))
                {
                    callers[calleeIndex].Add(index[member]);
                }
            }
        }

        var dirty = new SortedSet<int>(System.Linq.Enumerable.Range(0, members.Count));
        var budget = (long)MaxRounds * members.Count;
        while (dirty.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (budget-- == 0)
            {
                Store(members, null);
                return;
            }

            var next = dirty.Min;
            dirty.Remove(next);
            var member = members[next];
            var summary = Local(member, ct) is { } facts ? Compose(member, facts, Lookup) : MethodSummary.Unknown;
            if (!summary.SameAs(current[member]))
            {
                current[member] = summary;
                foreach (var caller in callers[next])
                {
                    dirty.Add(caller);
                }
            }
        }

        Store(members, current);
    }

    private static bool ContainsMethod(IMethodSymbol method, List<IMethodSymbol> callees)
    {
        foreach (var callee in callees)
        {
            if (SymbolEqualityComparer.Default.Equals(callee, method))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A solved callee's summary (outside the component being solved), or unknown.</summary>
    private MethodSummary SolvedOrUnknown(IMethodSymbol callee)
        => _summaries.TryGetValue(callee, out var done) ? done : MethodSummary.Unknown;

    private void Store(List<IMethodSymbol> members, Dictionary<IMethodSymbol, MethodSummary>? solved)
    {
        foreach (var member in members)
        {
            _summaries.TryAdd(member, solved?[member] ?? MethodSummary.Unknown);
        }
    }

    private static MethodSummary Empty(IMethodSymbol method)
        => new(ParameterNames(method), ImmutableArray<SleepEffect>.Empty, ImmutableArray<FlagFlow>.Empty);

    private static ImmutableArray<string> ParameterNames(IMethodSymbol method)
    {
        var builder = ImmutableArray.CreateBuilder<string>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            builder.Add(parameter.Name);
        }

        return builder.MoveToImmutable();
    }

    /// <summary>A method's summary from its own facts and its callees' summaries.</summary>
    private static MethodSummary Compose(IMethodSymbol method, LocalFacts facts, System.Func<IMethodSymbol, MethodSummary> lookup)
    {
        // Most methods sleep, allocate and hand on nothing: no lists for them (the normalized forms of none are empty).
        var sleeps = facts.Sleeps.Count > 0 ? new List<SleepEffect>(facts.Sleeps) : null;
        var flows = facts.Flows.Count > 0 ? new List<FlagFlow>(facts.Flows) : null;
        var invoked = facts.AtomicallyInvoked is { } own ? new SortedDictionary<int, string>(own) : null;
        foreach (var call in facts.Calls)
        {
            var callee = lookup(call.Callee);
            if (!callee.IsUnknown)
            {
                if (!callee.Sleeps.IsEmpty || !callee.Flows.IsEmpty)
                {
                    CallComposition.Compose(call, callee, sleeps ??= new List<SleepEffect>(), flows ??= new List<FlagFlow>());
                }

                for (var i = 0; i < callee.AtomicallyInvoked.Length; i++)
                {
                    var ordinal = callee.AtomicallyInvoked[i];
                    if (ordinal < call.Arguments.Length && call.Arguments[ordinal] is { CallerOrdinal: >= 0 } passed && invoked?.ContainsKey(passed.CallerOrdinal) != true)
                    {
                        (invoked ??= new SortedDictionary<int, string>()).Add(passed.CallerOrdinal, CallbackSummaries.Through(call.Callee, callee.InvocationContextOf(ordinal)!));
                    }
                }
            }
        }

        return new MethodSummary(ParameterNames(method),
            sleeps is null ? ImmutableArray<SleepEffect>.Empty : NormalizeSleeps(sleeps),
            flows is null ? ImmutableArray<FlagFlow>.Empty : NormalizeFlows(flows),
            atomicallyInvoked: invoked is null ? ImmutableArray<int>.Empty : invoked.Keys.ToImmutableArray(),
            invocationContexts: invoked is null ? ImmutableArray<string>.Empty : invoked.Values.ToImmutableArray());
    }

    /// <summary>
    /// The first reason per condition (the unconditional one first: it is never cut by the cap). Conditional reasons are
    /// kept beside an unconditional one: each keeps its shortest chain, which is what makes recursion converge.
    /// </summary>
    private static ImmutableArray<SleepEffect> NormalizeSleeps(List<SleepEffect> sleeps)
    {
        sleeps.Sort((a, b) => a.Conditions.IsEmpty != b.Conditions.IsEmpty
            ? (a.Conditions.IsEmpty ? -1 : 1)
            : MethodSummary.EffectOrder(a.Chain, a.LeafLocation, a.Conditions, b.Chain, b.LeafLocation, b.Conditions));
        var result = ImmutableArray.CreateBuilder<SleepEffect>();
        foreach (var sleep in sleeps)
        {
            if (result.Count == MethodSummary.MaxSleeps)
            {
                break;
            }

            var duplicate = false;
            foreach (var kept in result)
            {
                duplicate |= kept.InSection == sleep.InSection && MethodSummary.SameConditions(kept.Conditions, sleep.Conditions);
            }

            if (!duplicate)
            {
                result.Add(sleep);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>One flow per allocation and condition: values joined, the shortest chain kept.</summary>
    private static ImmutableArray<FlagFlow> NormalizeFlows(List<FlagFlow> flows)
    {
        flows.Sort((a, b) => MethodSummary.EffectOrder(a.Chain, a.Location, a.Conditions, b.Chain, b.Location, b.Conditions));
        var result = new List<FlagFlow>();
        foreach (var flow in flows)
        {
            var index = IndexOfSameAllocation(result, flow);
            if (index >= 0)
            {
                var kept = result[index];
                result[index] = new FlagFlow(kept.Value.Join(flow.Value), kept.Allocation, kept.Location, kept.Chain, kept.Conditions, kept.OnUnknownFlags, kept.InSection);
            }
            else if (result.Count < MethodSummary.MaxFlows)
            {
                result.Add(flow);
            }
        }

        return result.ToImmutableArray();
    }

    /// <summary>The flow of <paramref name="flows"/> at the same allocation, on the same conditions, as <paramref name="flow"/>; -1 when none.</summary>
    private static int IndexOfSameAllocation(List<FlagFlow> flows, FlagFlow flow)
    {
        for (var i = 0; i < flows.Count; i++)
        {
            var kept = flows[i];
            if (kept.Location == flow.Location && kept.OnUnknownFlags == flow.OnUnknownFlags && kept.InSection == flow.InSection
                && MethodSummary.SameConditions(kept.Conditions, flow.Conditions))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Source order (file path, then position, then display string): every choice among methods is made in it.</summary>
    internal static int CompareBySource(IMethodSymbol a, IMethodSymbol b)
    {
        var la = a.Locations.IsEmpty ? Location.None : a.Locations[0];
        var lb = b.Locations.IsEmpty ? Location.None : b.Locations[0];
        var order = string.CompareOrdinal(la.SourceTree?.FilePath, lb.SourceTree?.FilePath);
        if (order == 0)
        {
            order = la.SourceSpan.Start.CompareTo(lb.SourceSpan.Start);
        }

        return order != 0 ? order : string.CompareOrdinal(a.ToDisplayString(), b.ToDisplayString());
    }
}

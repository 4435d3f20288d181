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

    private SummaryStore(Compilation compilation, RuntimeSymbols symbols)
    {
        _compilation = compilation;
        _symbols = symbols;
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
        var index = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        var low = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        var successors = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        var onStack = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var component = new Stack<IMethodSymbol>();
        var work = new Stack<(IMethodSymbol Node, int Next)>();
        work.Push((root, 0));
        while (work.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (node, next) = work.Pop();
            if (next == 0 && !index.ContainsKey(node))
            {
                index[node] = low[node] = index.Count;
                component.Push(node);
                onStack.Add(node);
                successors[node] = Successors(node, ct);
            }

            var callees = successors[node];
            if (next < callees.Count)
            {
                work.Push((node, next + 1));
                var callee = callees[next];
                if (!index.ContainsKey(callee))
                {
                    if (!_summaries.ContainsKey(callee))
                    {
                        work.Push((callee, 0));
                    }
                }
                else if (onStack.Contains(callee))
                {
                    low[node] = System.Math.Min(low[node], index[callee]);
                }

                continue;
            }

            if (work.Count > 0)
            {
                var parent = work.Peek().Node;
                low[parent] = System.Math.Min(low[parent], low[node]);
            }

            if (low[node] == index[node])
            {
                var members = new List<IMethodSymbol>();
                IMethodSymbol member;
                do
                {
                    member = component.Pop();
                    onStack.Remove(member);
                    members.Add(member);
                }
                while (!SymbolEqualityComparer.Default.Equals(member, node));

                SolveComponent(members, successors, ct);
            }
        }
    }

    private List<IMethodSymbol> Successors(IMethodSymbol node, CancellationToken ct)
    {
        var result = new List<IMethodSymbol>();
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (Local(node, ct) is { } facts)
        {
            foreach (var call in facts.Calls)
            {
                if (seen.Add(call.Callee))
                {
                    result.Add(call.Callee);
                }
            }
        }

        return result;
    }

    private void SolveComponent(List<IMethodSymbol> members, Dictionary<IMethodSymbol, List<IMethodSymbol>> successors, CancellationToken ct)
    {
        members.Sort(CompareBySource);
        var current = new Dictionary<IMethodSymbol, MethodSummary>(SymbolEqualityComparer.Default);
        var recursive = members.Count > 1 || System.Linq.Enumerable.Contains(successors[members[0]], members[0], SymbolEqualityComparer.Default);
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
            foreach (var callee in successors[member])
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
                if (recursive)
                {
                    foreach (var caller in callers[next])
                    {
                        dirty.Add(caller);
                    }
                }
            }
        }

        Store(members, current);
    }

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
        var sleeps = new List<SleepEffect>(facts.Sleeps);
        var flows = new List<FlagFlow>(facts.Flows);
        var invoked = new SortedDictionary<int, string>(facts.AtomicallyInvoked);
        foreach (var call in facts.Calls)
        {
            var callee = lookup(call.Callee);
            if (!callee.IsUnknown)
            {
                CallComposition.Compose(call, callee, sleeps, flows);
                for (var i = 0; i < callee.AtomicallyInvoked.Length; i++)
                {
                    var ordinal = callee.AtomicallyInvoked[i];
                    if (ordinal < call.Arguments.Length && call.Arguments[ordinal] is { CallerOrdinal: >= 0 } passed && !invoked.ContainsKey(passed.CallerOrdinal))
                    {
                        invoked.Add(passed.CallerOrdinal, CallbackSummaries.Through(call.Callee, callee.InvocationContextOf(ordinal)!));
                    }
                }
            }
        }

        return new MethodSummary(ParameterNames(method), NormalizeSleeps(sleeps), NormalizeFlows(flows),
            atomicallyInvoked: invoked.Keys.ToImmutableArray(), invocationContexts: invoked.Values.ToImmutableArray());
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
            var index = result.FindIndex(kept => kept.Location == flow.Location && kept.OnUnknownFlags == flow.OnUnknownFlags && kept.InSection == flow.InSection
                                                 && MethodSummary.SameConditions(kept.Conditions, flow.Conditions));
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

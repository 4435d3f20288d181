using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Where, in one control-flow graph, a lock of any atomic kind may be held (RCU read lock, spinlocks and rwlocks,
/// interrupts / preemption / bottom halves disabled, the runqueue lock; the caller's locks from <c>[RcuReadLockHeld]</c>,
/// <c>[LockHeld]</c>, <c>[IrqsDisabled]</c>), or the whole body is atomic because of <c>[AllocationHook]</c> /
/// <c>[RunsInAtomicContext]</c>. One forward pass per graph over sets of
/// <see cref="PathState"/>s to a fixpoint; afterwards a lookup finds the operation's statement and the paths before it,
/// computed once per block (<see cref="LockFlow.StatesBeforeStatement"/>) and cached per statement. A graph that takes no lock,
/// calls no lock helper and whose caller holds none needs no pass: no lock is held anywhere in it.
/// Lambdas and local functions are separate graphs: analyse them with their own symbol
/// (<see cref="ControlFlowGraphs.WithNestedGraphs"/>); code created inside a section but run later is not in it.
/// </summary>
internal sealed class AtomicContextAnalysis
{
    // Analyzers share the graph the driver caches, so they can share its analysis too.
    private static readonly ConditionalWeakTable<ControlFlowGraph, AtomicContextAnalysis> Cache = new();

    private readonly ControlFlowGraph _graph;
    private readonly GraphScan _scan;

    /// <summary>Null when no lock can be held in the graph (<see cref="GraphScan.HasLockEvents"/>): no pass was run.</summary>
    private readonly LockFlow? _flow;

    /// <summary>The pass run on demand for <see cref="Flow"/> where the contexts did not need one.</summary>
    private LockFlow? _flowOnDemand;
    /// <summary>
    /// Per block (made on the first question about it), per statement: the context before it once computed, or
    /// <see cref="NoContext"/> for "none"; null when not computed yet.
    /// </summary>
    private readonly object?[]?[]? _contexts;

    private static readonly object NoContext = new();
    private readonly ISymbol _owner;
    private readonly RuntimeSymbols _symbols;
    private readonly AtomicContext? _hookContext;
    private readonly AtomicContext? _bodyContext;
    private readonly string _name;
    private readonly int _lambdaLine;

    private AtomicContextAnalysis(ControlFlowGraph graph, GraphScan scan, LockFlow? flow, ISymbol owner, RuntimeSymbols symbols, CancellationToken ct)
    {
        _graph = graph;
        _scan = scan;
        _flow = flow;
        _owner = owner;
        _symbols = symbols;
        _name = DisplayName(owner);
        _lambdaLine = owner is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }
            ? graph.OriginalOperation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1
            : 0;
        if (HasAttribute(owner, symbols.AllocationHookAttribute, symbols) || HookInstallations.IsInstalledHook(graph, owner, symbols, ct))
        {
            _hookContext = new AtomicContext(AtomicContextKind.AllocationHook, null, _name, _lambdaLine);
        }

        _bodyContext = _hookContext ?? (HasAttribute(owner, symbols.RunsInAtomicContextAttribute, symbols)
            ? new AtomicContext(AtomicContextKind.RunsInAtomicContextMethod, null, _name, _lambdaLine, attribute: "[RunsInAtomicContext]")
            : AtomicCallbacks.LambdaOf(graph, owner) is { } lambda && AtomicCallbacks.InvokerOf(lambda, symbols) is { } invoker
                ? new AtomicContext(AtomicContextKind.InvokedInAtomicContextLambda, null, _name, _lambdaLine, attribute: invoker.ContainingType.Name + "." + invoker.Name)
                : null);
        if (flow is null)
        {
            return;
        }

        _contexts = new object?[]?[graph.Blocks.Length];
    }

    /// <summary>
    /// Some lock can be held somewhere in the graph: the caller holds one, or the graph calls a lock, unlock or lock
    /// helper. Without, every context is the whole body's (or none), and the balance rule has nothing to judge.
    /// </summary>
    internal bool HasLockEvents => _scan.HasLockEvents;

    /// <summary>
    /// The lock flow behind the contexts (for the balance rule). For a graph without <see cref="HasLockEvents"/> it is
    /// run only when asked (nothing needs it there: it holds no lock on any path).
    /// </summary>
    internal LockFlow Flow
    {
        get
        {
            if ((_flow ?? Volatile.Read(ref _flowOnDemand)) is { } flow)
            {
                return flow;
            }

            var run = LockFlow.Run(_graph, _owner, _symbols, CallerLocks.Of(_owner, _symbols), CancellationToken.None);
            return Interlocked.CompareExchange(ref _flowOnDemand, run, null) ?? run;
        }
    }

    public static AtomicContextAnalysis Create(ControlFlowGraph cfg, ISymbol owningSymbol, RuntimeSymbols symbols, CancellationToken ct)
    {
        // Rules and summaries share graphs (ControlFlowGraphs.Of), and a summary may name the owner differently (a partial
        // method by its definition part, a rule by its implementation): each gets the analysis of the owner it names,
        // whoever asked first; only the first owner's is cached.
        if (Cache.TryGetValue(cfg, out var cached) && SymbolEqualityComparer.Default.Equals(cached._owner, owningSymbol))
        {
            return cached;
        }

        var scan = GraphScan.Collect(cfg, symbols, owningSymbol, CallerLocks.Of(owningSymbol, symbols), ct, LockFlow.HelpersOf(cfg, symbols));
        var flow = scan.HasLockEvents ? LockFlow.Solve(cfg, scan, ct) : null;
        var analysis = new AtomicContextAnalysis(cfg, scan, flow, owningSymbol, symbols, ct);
        if (cached is not null)
        {
            return analysis;
        }

        var stored = Cache.GetValue(cfg, _ => analysis);
        return SymbolEqualityComparer.Default.Equals(stored._owner, owningSymbol) ? stored : analysis;
    }

    /// <summary>The operation is in a block of this graph that never runs (under <c>if (false)</c>, a false const).</summary>
    private bool InUnreachableBlock(IOperation operation)
        => _scan.Positions.TryGetValue(operation, out var position) && !_graph.Blocks[position.Block].IsReachable;

    /// <summary>
    /// Where a scheduler lock may be held (waking kswapd there can deadlock): allocation hooks, runqueue-lock sections,
    /// <c>[LockHeld("runqueue")]</c> methods. Null when none may be held at <paramref name="operationInCfg"/>.
    /// </summary>
    public AtomicContext? GetSchedulerLockContext(IOperation operationInCfg)
    {
        if (_flow is null)
        {
            // No lock is held anywhere: only a hook's body context can apply.
            return _hookContext is null || InUnreachableBlock(operationInCfg) ? null : _hookContext;
        }

        var known = _scan.Positions.TryGetValue(operationInCfg, out var position);
        if (known && !_graph.Blocks[position.Block].IsReachable)
        {
            return null;
        }

        if (_hookContext is not null || !known)
        {
            return _hookContext;
        }

        return ContextOf(_flow.StatesBefore(operationInCfg, position.Block, position.Statement), schedulerLocksOnly: true);
    }

    /// <summary>
    /// The atomic context <paramref name="operationInCfg"/> (an operation of this graph's blocks, or one
    /// nested in them) may run in, or null when no lock may be held there.
    /// </summary>
    public AtomicContext? GetContext(IOperation operationInCfg)
    {
        if (_flow is null)
        {
            // No lock is held anywhere: only the whole body's context can apply.
            return _bodyContext is null || InUnreachableBlock(operationInCfg) ? null : _bodyContext;
        }

        var known = _scan.Positions.TryGetValue(operationInCfg, out var position);
        if (known && !_graph.Blocks[position.Block].IsReachable)
        {
            // Code that never runs (`if (false)`, a const bool such as a translated IS_ENABLED) is in no context.
            return null;
        }

        if (_bodyContext is not null)
        {
            return _bodyContext;
        }

        if (!known)
        {
            return null;
        }

        var (block, statement) = position;
        if (_flow.Scan.Events[block][statement] is not null)
        {
            // The statement itself locks or unlocks: look at the paths right before this operation.
            return ContextOf(_flow.StatesBefore(operationInCfg, block, statement));
        }

        var contexts = Volatile.Read(ref _contexts![block]);
        if (contexts is null)
        {
            var made = new object?[_flow.Scan.Events[block].Length];
            contexts = Interlocked.CompareExchange(ref _contexts[block], made, null) ?? made;
        }

        // (Threads that race both compute the same context; either answer is kept.)
        var context = Volatile.Read(ref contexts[statement]);
        if (context is null)
        {
            context = (object?)ContextOf(_flow.StatesBeforeStatement(block, statement)) ?? NoContext;
            Volatile.Write(ref contexts[statement], context);
        }

        return context as AtomicContext;
    }

    /// <summary>
    /// The context the paths give: the outermost lock of any path that may hold one, named deterministically: a
    /// caller's lock first (the attribute is the clearest way to say why; the first attribute wins), else the lock
    /// call earliest in the source. With <paramref name="schedulerLocksOnly"/>, only scheduler locks count.
    /// </summary>
    private AtomicContext? ContextOf(IReadOnlyList<PathState> states, bool schedulerLocksOnly = false)
    {
        LockSite? caller = null;
        LockSite? earliest = null;
        var degraded = _flow!.Degraded;
        for (var i = 0; i < states.Count; i++)
        {
            var outermost = Outermost(states[i], schedulerLocksOnly, degraded);
            if (outermost is null)
            {
                if (degraded)
                {
                    // The states include paths that cannot run together: only a lock held on every path counts.
                    return null;
                }

                continue;
            }

            if (outermost.IsCaller)
            {
                caller = caller is null || outermost.Id < caller.Id ? outermost : caller;
            }
            else if (earliest is null || outermost.Location!.SourceSpan.Start < earliest.Location!.SourceSpan.Start)
            {
                earliest = outermost;
            }
        }

        if (caller is not null)
        {
            return CallerContext(caller);
        }

        return earliest is null ? null : AtomicContext.ForSite(earliest, _name);
    }

    /// <summary>The outermost held site of a state (that is a scheduler lock, if asked); null when none, or it was forgotten.</summary>
    private LockSite? Outermost(PathState state, bool schedulerLocksOnly, bool degraded)
    {
        if (!state.MayHold || (degraded && !state.IsDepthKnown))
        {
            return null;
        }

        var levels = state.IsDepthKnown ? state.Depth : 1;
        for (var level = 0; level < levels; level++)
        {
            if (_scan.Sites[state.SiteAt(level)] is not { } site)
            {
                // A site the degraded pass forgot: nothing to name.
                return null;
            }

            if (!schedulerLocksOnly || site.IsSchedulerLock)
            {
                return site;
            }
        }

        return null;
    }

    private AtomicContext CallerContext(LockSite caller)
    {
        var kind = caller.CallerAttribute == CallerLocks.RcuReadLockHeld
            ? AtomicContextKind.RcuReadLockHeldMethod
            : caller.CallerAttribute == CallerLocks.IrqsDisabled ? AtomicContextKind.IrqsDisabledMethod : AtomicContextKind.LockHeldMethod;
        return new AtomicContext(kind, null, _name, _lambdaLine, attribute: caller.CallerAttribute);
    }

    internal static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute, RuntimeSymbols symbols)
        => symbols.HasAttribute(symbol, attribute)
           || (symbol is IMethodSymbol { AssociatedSymbol: { } associated } && symbols.HasAttribute(associated, attribute));

    internal static string DisplayName(ISymbol owner) => owner switch
    {
        IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } => "lambda",
        IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } ctor => ctor.ContainingType.Name,
        IMethodSymbol { AssociatedSymbol: { } associated } => associated.Name,
        _ => owner.Name,
    };
}

using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Where, in one control-flow graph, an RCU read lock may be held (or the whole body is atomic because
/// of <c>[RcuReadLockHeld]</c> / <c>[AllocationHook]</c>). One forward pass per graph over sets of
/// <see cref="PathState"/>s to a fixpoint; afterwards every lookup is a dictionary hit.
/// Lambdas and local functions are separate graphs: analyse them with their own symbol
/// (<see cref="ControlFlowGraphs.WithNestedGraphs"/>); code created inside a section but run later is not in it.
/// </summary>
internal sealed class AtomicContextAnalysis
{
    // Analyzers share the graph the driver caches, so they can share its analysis too.
    private static readonly ConditionalWeakTable<ControlFlowGraph, AtomicContextAnalysis> Cache = new();

    private readonly LockFlow _flow;
    private readonly AtomicContext?[][] _contexts;
    private readonly bool[][] _computed;
    private readonly AtomicContext? _hookContext;
    private readonly AtomicContext _callerContext;

    private AtomicContextAnalysis(LockFlow flow, ISymbol owner, RuntimeSymbols symbols, CancellationToken ct)
    {
        _flow = flow;
        var name = DisplayName(owner);
        var lambdaLine = owner is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }
            ? flow.Graph.OriginalOperation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1
            : 0;
        if (HasAttribute(owner, symbols.AllocationHookAttribute, symbols) || HookInstallations.IsInstalledHook(flow.Graph, owner, symbols, ct))
        {
            _hookContext = new AtomicContext(AtomicContextKind.AllocationHook, null, name, lambdaLine);
        }

        _callerContext = new AtomicContext(AtomicContextKind.RcuReadLockHeldMethod, null, name, lambdaLine);
        var blocks = flow.Graph.Blocks.Length;
        _contexts = new AtomicContext?[blocks][];
        _computed = new bool[blocks][];
        for (var i = 0; i < blocks; i++)
        {
            var statements = flow.Scan.Events[i].Length;
            _contexts[i] = new AtomicContext?[statements];
            _computed[i] = new bool[statements];
        }
    }

    /// <summary>The lock flow behind the contexts (for the balance rule).</summary>
    internal LockFlow Flow => _flow;

    public static AtomicContextAnalysis Create(ControlFlowGraph cfg, ISymbol owningSymbol, RuntimeSymbols symbols, CancellationToken ct)
    {
        if (Cache.TryGetValue(cfg, out var cached))
        {
            return cached;
        }

        var callerHoldsLock = HasAttribute(owningSymbol, symbols.RcuReadLockHeldAttribute, symbols);
        var flow = LockFlow.Run(cfg, owningSymbol, symbols, callerHoldsLock, ct);
        var analysis = new AtomicContextAnalysis(flow, owningSymbol, symbols, ct);
        return Cache.GetValue(cfg, _ => analysis);
    }

    /// <summary>
    /// The atomic context <paramref name="operationInCfg"/> (an operation of this graph's blocks, or one
    /// nested in them) may run in, or null when no read-side section may be held there.
    /// </summary>
    public AtomicContext? GetContext(IOperation operationInCfg)
    {
        var known = _flow.Scan.Positions.TryGetValue(operationInCfg, out var position);
        if (known && !_flow.Graph.Blocks[position.Block].IsReachable)
        {
            // Code that never runs (`if (false)`, a const bool such as a translated IS_ENABLED) is in no context.
            return null;
        }

        if (_hookContext is not null)
        {
            return _hookContext;
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

        if (!Volatile.Read(ref _computed[block][statement]))
        {
            _contexts[block][statement] = ContextOf(_flow.StatesBeforeStatement(block, statement));
            Volatile.Write(ref _computed[block][statement], true);
        }

        return _contexts[block][statement];
    }

    private AtomicContext? ContextOf(IEnumerable<PathState> states)
    {
        Location? earliest = null;
        var any = false;
        foreach (var state in states)
        {
            if (!state.MayHold)
            {
                if (_flow.Degraded)
                {
                    // The states include paths that cannot run together: only a lock held on every path counts.
                    return null;
                }

                continue;
            }

            if (_flow.Degraded && !state.IsDepthKnown)
            {
                return null;
            }

            var bottom = state.SiteAt(0);
            if (bottom == PathState.CallerSite)
            {
                // The caller's lock may still be held: the attribute is the clearest way to say why.
                return _callerContext;
            }

            any = true;
            var site = _flow.Scan.Sites[bottom];
            if (earliest is null || (site is not null && site.SourceSpan.Start < earliest.SourceSpan.Start))
            {
                earliest = site;
            }
        }

        return any ? new AtomicContext(AtomicContextKind.RcuReadSection, earliest, _callerContext.MethodName) : null;
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

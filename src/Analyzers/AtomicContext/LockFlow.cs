using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Dataflow;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// The forward "which locks may be held" pass over a control-flow graph, for every lock kind at once.
/// <list type="bullet">
/// <item>Each block's entry holds a <see cref="PathStateSet"/>; statements apply their <see cref="LockEvent"/>s.</item>
/// <item>
/// A release takes off the innermost held site of the same lock (<see cref="LockRelease.Matches"/>), not blindly the
/// top: different locks may be released out of order, as Linux allows.
/// </item>
/// <item><c>TryLock()</c> holds its lock only where it returned true: on the success edge of a branch on it, or on
/// the "taken" half of the paths it splits (with the bool it is stored in, if tracked, set accordingly).</item>
/// <item>Conditional branches on a tracked <c>bool</c> keep only the paths where it can have that value.</item>
/// <item>A branch that leaves try regions runs their finally blocks first, with a continuation frame per path.</item>
/// <item>A catch (or, for exceptions, a finally) handler is entered with every state seen inside its try region.</item>
/// <item>Loops run to a fixpoint; a block visited too often forgets its conditions, so the pass always ends.</item>
/// <item>
/// The whole method gets a budget of path states. Many independent conditions multiply the paths (2^N for N
/// <c>bool</c>s); past the budget the pass starts again without conditions and with only the outermost lock
/// site of each path (<see cref="Degraded"/>), which is linear in the size of the method.
/// </item>
/// </list>
/// </summary>
internal sealed class LockFlow
{
    private const int VisitsBeforeCollapse = 12;

    /// <summary>Path states added over all program points before the pass gives up on conditions.</summary>
    internal const int StateBudget = 20_000;

    /// <summary>
    /// Path states one program point may hold before the pass gives up on conditions. Forgetting conditions (collapse)
    /// does not bound the number of distinct lock stacks, which many locks of different kinds taken under independent
    /// conditions multiply; past this many the degraded pass (outermost site and depth only) takes over.
    /// </summary>
    internal const int MaxStatesPerPoint = 96;

    private readonly PathStateSet?[] _in;
    /// <summary>Per block, the handlers an exception there reaches first; null when no block is in a try region.</summary>
    private List<HandlerTarget>?[]? _handlers;
    /// <summary>The handlers of each try-enclosed region seen (made on the first block in a try region).</summary>
    private Dictionary<ControlFlowRegion, List<HandlerTarget>?>? _handlersByRegion;
    private readonly Continuations _continuations = new();

    /// <summary>The paths through each branch into the exit block, by <see cref="BranchId"/> (made on the first exit).</summary>
    private PathStateSet?[]? _exitsById;

    /// <summary>The branches into the exit block with their paths, in the order the pass first reached them.</summary>
    private readonly List<KeyValuePair<ControlFlowBranch, PathStateSet>> _exits = new();
    // Lowest ordinal first: ordinals follow the source, so straight-line code sees each block once, after all
    // its predecessors (a FIFO queue revisits the joins of a long chain of ifs until they collapse).
    private readonly BlockQueue _queue;

    // Scratch lists of the pass, left by the last pass on this thread for the next (a pass starts no other inside it).
    [System.ThreadStatic]
    private static List<PathState>? s_spareVisiting;
    [System.ThreadStatic]
    private static List<PathState>? s_spareAssumed;

    // Reused by each block visit during the pass (a visit only reads them; nothing keeps them).
    private List<PathState> _visiting = null!;
    private List<PathState> _assumed = null!;
    /// <summary>Per block, the states before each of its statements (made on first use); null until the pass is done.</summary>
    private IReadOnlyList<PathState>[]?[]? _beforeStatement;
    private int _added;
    private bool _tooManyAtOnePoint;

    private LockFlow(ControlFlowGraph graph, GraphScan scan)
    {
        Graph = graph;
        Scan = scan;
        _in = new PathStateSet?[graph.Blocks.Length];
        _queue = new BlockQueue(graph.Blocks.Length);
    }

    public ControlFlowGraph Graph { get; }

    public GraphScan Scan { get; }

    /// <summary>A <c>[RcuReadLockHeld]</c> / <c>[LockHeld]</c> / <c>[IrqsDisabled]</c> method: paths start holding the caller's locks.</summary>
    public bool CallerHoldsLock => Scan.CallerSites.Count > 0;

    /// <summary>The pass gave up (a pathological graph); rules that need "must" facts say nothing.</summary>
    public bool Incomplete { get; private set; }

    /// <summary>
    /// The state budget ran out and the pass ran again without conditions: the states include paths that cannot
    /// run together, so "a lock may be held here" is no evidence. Rules report only what holds on every path.
    /// </summary>
    public bool Degraded { get; private set; }

    /// <summary>
    /// Each branch into the exit block (before its finally blocks ran) and the paths that leave through it, in the
    /// order the pass first reached them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<ControlFlowBranch, PathStateSet>> Exits => _exits;

    /// <summary>
    /// The lock flow of <paramref name="graph"/>. With <paramref name="followHelpers"/>, calls to lock helpers of the
    /// compilation (<see cref="LockHelpers"/>) take and release locks too; a helper's own analysis does not follow further helpers.
    /// </summary>
    public static LockFlow Run(ControlFlowGraph graph, ISymbol owner, RuntimeSymbols symbols, IReadOnlyList<CallerLock> callerLocks, CancellationToken ct, bool followHelpers = true)
        => Solve(graph, GraphScan.Run(graph, symbols, owner, callerLocks, ct, followHelpers ? HelpersOf(graph, symbols) : null), ct);

    /// <summary>The lock helpers a graph's calls may go to (<see cref="LockHelpers"/>), or null without a compilation.</summary>
    public static LockHelpers? HelpersOf(ControlFlowGraph graph, RuntimeSymbols symbols)
        => graph.OriginalOperation.SemanticModel?.Compilation is { } compilation ? LockHelpers.For(compilation, symbols) : null;

    /// <summary>The lock flow of <paramref name="graph"/> over a scan of it (<see cref="GraphScan.Collect"/>, finished here if it is not yet).</summary>
    public static LockFlow Solve(ControlFlowGraph graph, GraphScan scan, CancellationToken ct)
    {
        scan.Finish();
        var flow = new LockFlow(graph, scan);
        flow.Solve(ct);
        return flow;
    }

    /// <summary>The paths reaching the start of a statement (the branch value is the last statement).</summary>
    public IReadOnlyList<PathState> StatesBeforeStatement(int block, int statement)
    {
        // (After the pass the entry sets are final: they are handed out as they are.)
        if (Volatile.Read(ref _beforeStatement) is null || _in[block] is not { } entry)
        {
            return System.Array.Empty<PathState>();
        }

        if (statement == 0)
        {
            return entry;
        }

        // The states before every statement of the block, from one pass over its events on first use (each statement
        // sharing the states of the one before when it has no events); published whole, so concurrent readers agree.
        var states = Volatile.Read(ref _beforeStatement![block]);
        if (states is null)
        {
            states = StatesBeforeEachStatement(block, entry);
            Interlocked.CompareExchange(ref _beforeStatement[block], states, null);
        }

        return states[statement];
    }

    /// <summary>The paths reaching an operation inside a statement that itself locks or unlocks.</summary>
    public IReadOnlyList<PathState> StatesBefore(IOperation operation, int block, int statement)
    {
        var states = StatesBeforeStatement(block, statement);
        var events = Scan.Events[block][statement];
        if (events is null || states.Count == 0)
        {
            return states;
        }

        var start = operation.Syntax.SpanStart;
        var result = ListOf(states);
        foreach (var e in events)
        {
            // Operands run before their invocation, left to right: an event counts if it finished before this operation began.
            if (IsAncestorOrSelf(e.Operation, operation) || e.Operation.Syntax.Span.End > start)
            {
                continue;
            }

            ApplyAll(e, result);
        }

        return result;
    }

    /// <summary>The paths reaching the <paramref name="index"/>-th event of a statement.</summary>
    public IReadOnlyList<PathState> StatesBeforeEvent(int block, int statement, int index)
    {
        var states = StatesBeforeStatement(block, statement);
        var events = Scan.Events[block][statement];
        if (events is null || index == 0 || states.Count == 0)
        {
            return states;
        }

        var result = ListOf(states);
        for (var e = 0; e < index; e++)
        {
            ApplyAll(events[e], result);
        }

        return result;
    }

    private static List<PathState> ListOf(IReadOnlyList<PathState> states)
    {
        var list = new List<PathState>(states.Count + 1);
        for (var i = 0; i < states.Count; i++)
        {
            list.Add(states[i]);
        }

        return list;
    }

    /// <summary>
    /// The states after an event, in place. A <see cref="LockEventKind.TryAcquire"/> splits each path in two (taken,
    /// not taken), appended in that order; every other event maps each state to one.
    /// </summary>
    public void ApplyAll(LockEvent e, List<PathState> states)
    {
        if (e.Kind != LockEventKind.TryAcquire)
        {
            for (var i = 0; i < states.Count; i++)
            {
                states[i] = Apply(e, states[i]);
            }

            return;
        }

        var tracked = !Degraded && e.Symbol is not null && Scan.Tracked.TryGetValue(e.Symbol, out var index) ? index : -1;
        var count = states.Count;
        for (var i = 0; i < count; i++)
        {
            var state = states[i];
            var taken = Push(state, e.Site);
            states[i] = tracked < 0 ? taken : taken.WithCondition(tracked, true);
            states.Add(tracked < 0 ? state : state.WithCondition(tracked, false));
        }

        if (states.Count > 64)
        {
            // Many TryLocks in one statement list: the halves repeat; keep each path state once.
            var distinct = states.Distinct().ToList();
            states.Clear();
            states.AddRange(distinct);
        }
    }

    /// <summary>The state after an event that does not split paths (a TryAcquire on a branch acts on the edge, not here).</summary>
    private PathState Apply(LockEvent e, PathState state) => e.Kind switch
    {
        LockEventKind.Acquire => Push(state, e.Site),
        LockEventKind.Release or LockEventKind.GuardDispose => MatchingLevel(e.Release!, state) is var level and >= 0 ? state.RemoveAt(level) : state,
        LockEventKind.ConditionWrite => Degraded ? state : Scan.Write(e, state),
        _ => state,
    };

    private PathState Push(PathState state, int site) => Degraded ? state.Push(site).OutermostSiteOnly() : state.Push(site);

    /// <summary>
    /// The nesting level of the site <paramref name="release"/> releases: the innermost held site of the same lock;
    /// -1 when none is held (or the depth is unknown). A guard held in a local releases its own lock call's site,
    /// or (the lock was dropped and taken again) the innermost site of the same lock taken with the same guard type.
    /// Sites the degraded pass forgot match any release, after the known ones.
    /// </summary>
    public int MatchingLevel(LockRelease release, PathState state)
    {
        if (!state.IsDepthKnown)
        {
            return -1;
        }

        for (var level = state.Depth - 1; level >= 0; level--)
        {
            if (Scan.Sites[state.SiteAt(level)] is { } site && release.Matches(site))
            {
                return level;
            }
        }

        if (release.IsGuardDispose && release.GuardSite != 0)
        {
            for (var level = state.Depth - 1; level >= 0; level--)
            {
                if (Scan.Sites[state.SiteAt(level)] is { } site && site.Identity == release.Identity
                    && SymbolEqualityComparer.Default.Equals(site.GuardType, release.GuardType))
                {
                    return level;
                }
            }
        }

        if (Degraded)
        {
            for (var level = state.Depth - 1; level >= 0; level--)
            {
                if (state.SiteAt(level) == PathState.UnknownSite)
                {
                    return level;
                }
            }
        }

        return -1;
    }

    private static bool IsAncestorOrSelf(IOperation candidate, IOperation operation)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (current == candidate)
            {
                return true;
            }
        }

        return false;
    }

    private IReadOnlyList<PathState>[] StatesBeforeEachStatement(int block, PathStateSet entry)
    {
        var events = Scan.Events[block];
        var result = new IReadOnlyList<PathState>[events.Length];
        IReadOnlyList<PathState> current = entry;
        List<PathState>? states = null;
        for (var i = 0; i < events.Length; i++)
        {
            result[i] = current;
            if (events[i] is not { } list)
            {
                continue;
            }

            states ??= new List<PathState>(current.Count);
            states.Clear();
            for (var k = 0; k < current.Count; k++)
            {
                states.Add(current[k]);
            }

            foreach (var e in list)
            {
                ApplyAll(e, states);
            }

            current = states.ToArray();
        }

        return result;
    }

    private void Solve(CancellationToken ct)
    {
        var blocks = Graph.Blocks;
        if (blocks.Length == 0)
        {
            return;
        }

        // Consecutive blocks mostly share their innermost region: look its handlers up once per run of blocks.
        ControlFlowRegion? previousRegion = null;
        List<HandlerTarget>? previousTargets = null;
        foreach (var block in blocks)
        {
            if (block.EnclosingRegion != previousRegion)
            {
                previousRegion = block.EnclosingRegion;
                previousTargets = HandlerTargets(previousRegion);
            }

            if (previousTargets is not null)
            {
                (_handlers ??= new List<HandlerTarget>?[blocks.Length])[block.Ordinal] = previousTargets;
            }
        }

        _visiting = s_spareVisiting ?? new List<PathState>();
        _assumed = s_spareAssumed ?? new List<PathState>();
        s_spareVisiting = null;
        s_spareAssumed = null;

        if (Scan.TooManyConditions || !Fixpoint(blocks, ct))
        {
            // Too many paths: start again without conditions (see Degraded).
            Degraded = true;
            System.Array.Clear(_in, 0, _in.Length);
            _queue.Clear();
            _exits.Clear();
            if (_exitsById is not null)
            {
                System.Array.Clear(_exitsById, 0, _exitsById.Length);
            }

            _added = 0;
            _tooManyAtOnePoint = false;
            Incomplete = false;
            if (!Fixpoint(blocks, ct))
            {
                Incomplete = true;
            }
        }

        _visiting.Clear();
        _assumed.Clear();
        s_spareVisiting = _visiting;
        s_spareAssumed = _assumed;
        _visiting = null!;
        _assumed = null!;
        Volatile.Write(ref _beforeStatement, new IReadOnlyList<PathState>[]?[blocks.Length]);
    }

    /// <summary>Runs to a fixpoint; false when the state budget ran out first.</summary>
    private bool Fixpoint(System.Collections.Immutable.ImmutableArray<BasicBlock> blocks, CancellationToken ct)
    {
        var visits = new int[blocks.Length];
        var budget = 64 * blocks.Length + 1024;
        Propagate(0, PathState.Initial(Scan.CallerSites));
        while (_queue.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var ordinal = _queue.PopMin();
            if (--budget < 0)
            {
                Incomplete = true;
                break;
            }

            if (_added > StateBudget || _tooManyAtOnePoint)
            {
                return false;
            }

            if (++visits[ordinal] > VisitsBeforeCollapse)
            {
                _in[ordinal]!.Collapse();
            }

            Visit(blocks[ordinal]);
        }

        return true;
    }

    private void Visit(BasicBlock block)
    {
        var states = _visiting;
        states.Clear();
        _in[block.Ordinal]!.CopyTo(states);
        var handlers = _handlers?[block.Ordinal];
        // A handler sees the paths as they are before any operation that may throw: before each statement, and
        // between the events of a statement unless nothing that could throw follows the event in it.
        // (Lock, unlock and dispose calls themselves are taken not to throw.)
        var events = Scan.Events[block.Ordinal];
        var exposed = false;
        for (var i = 0; i < events.Length; i++)
        {
            var list = events[i];
            if (!exposed && (list is null || !IsLoneLockCall(list)))
            {
                PropagateToHandlers(handlers, states);
                exposed = true;
            }

            if (list is null)
            {
                continue;
            }

            for (var k = 0; k < list.Length; k++)
            {
                ApplyAll(list[k], states);

                exposed = k == list.Length - 1 && EndsStatement(list[k].Operation);
                if (!exposed)
                {
                    PropagateToHandlers(handlers, states);
                    exposed = true;
                }
                else
                {
                    exposed = false;
                }
            }
        }
        if (block.ConditionKind == ControlFlowConditionKind.None)
        {
            Follow(block.FallThroughSuccessor, states);
            return;
        }

        var jumpsWhenTrue = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
        if (block.BranchValue?.ConstantValue is { HasValue: true, Value: bool constant })
        {
            // `if (false)`, `if (Debug)` on a const: the other side never runs (Roslyn marks it unreachable).
            Follow(constant == jumpsWhenTrue ? block.ConditionalSuccessor : block.FallThroughSuccessor, states);
            return;
        }

        if (TryLockOnBranch(block, out var trySite, out var tryNegated))
        {
            // `if (l.TryLock())` / `if (!l.TryLock()) return;`: the lock is held only on the success edge.
            var taken = _assumed;
            taken.Clear();
            foreach (var state in states)
            {
                taken.Add(Push(state, trySite));
            }

            var successIsConditional = jumpsWhenTrue != tryNegated;
            Follow(block.ConditionalSuccessor, successIsConditional ? taken : states);
            Follow(block.FallThroughSuccessor, successIsConditional ? states : taken);
            return;
        }

        if (HiddenDisposes.NeverNull(block.BranchValue))
        {
            // The compiler's null test before it disposes a foreach's enumerator or a new'd using resource: never null on a
            // path that gets there normally, so the Dispose (a release helper of ours) runs on every such path.
            Follow(jumpsWhenTrue ? block.FallThroughSuccessor : block.ConditionalSuccessor, states);
            return;
        }

        var negated = false;
        var index = Degraded ? -1 : Scan.ConditionIndex(block.BranchValue, out negated);
        if (index < 0)
        {
            Follow(block.ConditionalSuccessor, states);
            Follow(block.FallThroughSuccessor, states);
            return;
        }

        Follow(block.ConditionalSuccessor, Assume(states, index, jumpsWhenTrue != negated));
        Follow(block.FallThroughSuccessor, Assume(states, index, jumpsWhenTrue == negated));
    }

    private void PropagateToHandlers(List<HandlerTarget>? handlers, List<PathState> states)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers)
        {
            PropagateToHandler(handler, states);
        }
    }

    /// <summary>The branch condition is a TryLock call (through <c>!</c>): its site and whether it is negated.</summary>
    private bool TryLockOnBranch(BasicBlock block, out int site, out bool negated)
    {
        site = 0;
        negated = false;
        var events = Scan.Events[block.Ordinal];
        if (events.Length == 0 || events[events.Length - 1] is not { } list)
        {
            return false;
        }

        var condition = block.BranchValue;
        while (true)
        {
            switch (condition)
            {
                case IConversionOperation conversion:
                    condition = conversion.Operand;
                    continue;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    negated = !negated;
                    condition = not.Operand;
                    continue;
            }

            break;
        }

        foreach (var e in list)
        {
            if (e.Kind == LockEventKind.TryAcquireOnBranch && e.Operation == condition)
            {
                site = e.Site;
                return true;
            }
        }

        return false;
    }

    /// <summary>The statement is one lock, unlock or dispose call on a plain receiver, and nothing else.</summary>
    private static bool IsLoneLockCall(LockEvent[] events)
        => events.Length == 1 && events[0].Kind != LockEventKind.ConditionWrite && EndsStatement(events[0].Operation)
           && events[0].Operation is IInvocationOperation { Arguments.Length: 0 } call
           && IsPlainReceiver(call.Instance);

    private static bool IsPlainReceiver(IOperation? receiver)
    {
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        return receiver is null or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
            or IFlowCaptureReferenceOperation or IInstanceReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 };
    }

    /// <summary>Nothing that may throw runs after <paramref name="operation"/> in its statement (it is the statement, or is captured or stored in a local).</summary>
    private static bool EndsStatement(IOperation operation)
    {
        for (var current = operation; ; current = current.Parent!)
        {
            switch (current.Parent)
            {
                case null:
                    return true;
                case IConversionOperation or IExpressionStatementOperation or IFlowCaptureOperation:
                    continue;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation or IDiscardOperation } assignment when assignment.Value == current:
                    continue;
                default:
                    return false;
            }
        }
    }

    private List<PathState> Assume(List<PathState> states, int index, bool value)
    {
        var result = _assumed;
        result.Clear();
        foreach (var state in states)
        {
            if (state.Allows(index, value))
            {
                result.Add(state.WithCondition(index, value));
            }
        }

        return result;
    }

    private void Follow(ControlFlowBranch? branch, List<PathState> states)
    {
        if (branch is null || states.Count == 0)
        {
            return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Regular:
            case ControlFlowBranchSemantics.Return:
                foreach (var state in states)
                {
                    if (branch.FinallyRegions.Length > 0)
                    {
                        EnterFinally(branch, 0, state);
                    }
                    else
                    {
                        Arrive(branch, state);
                    }
                }

                break;

            case ControlFlowBranchSemantics.StructuredExceptionHandling:
                foreach (var state in states)
                {
                    EndOfHandler(branch.Source, state);
                }

                break;

            // Throw, Rethrow, Error, ProgramTermination: exceptional paths reach handlers through
            // PropagateToHandler; nothing flows on normally.
        }
    }

    private void EnterFinally(ControlFlowBranch branch, int index, PathState state)
    {
        var region = branch.FinallyRegions[index];
        var frame = _continuations.Push(state.Continuation, BranchId(branch), index);
        Propagate(region.FirstBlockOrdinal, state.WithContinuation(frame));
    }

    private void EndOfHandler(BasicBlock source, PathState state)
    {
        for (var region = source.EnclosingRegion; region is not null && region != Graph.Root; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Finally)
            {
                var (parent, branchId, index) = _continuations.Top(state.Continuation);
                if (state.Continuation == Continuations.Empty)
                {
                    return;
                }

                if (branchId == Continuations.ExceptionBranch)
                {
                    // The exception goes on from the try/finally to the handlers around it.
                    var propagated = new List<PathState> { state.WithContinuation(parent) };
                    PropagateToHandlers(HandlerTargets(region.EnclosingRegion), propagated);
                    return;
                }

                var branch = BranchOf(branchId);
                var next = state.WithContinuation(parent);
                if (index + 1 < branch.FinallyRegions.Length)
                {
                    EnterFinally(branch, index + 1, next);
                }
                else
                {
                    Arrive(branch, next);
                }

                return;
            }

            if (region.Kind == ControlFlowRegionKind.Filter)
            {
                var handler = region.EnclosingRegion?.NestedRegions.LastOrDefault();
                if (handler is not null && handler != region)
                {
                    Propagate(handler.FirstBlockOrdinal, state);
                }

                return;
            }
        }
    }

    private void Arrive(ControlFlowBranch branch, PathState state)
    {
        var destination = branch.Destination;
        if (destination is null)
        {
            return;
        }

        if (destination.Kind == BasicBlockKind.Exit)
        {
            var id = BranchId(branch);
            var exits = _exitsById ??= new PathStateSet?[2 * Graph.Blocks.Length];
            if (exits[id] is not { } exit)
            {
                exits[id] = exit = new PathStateSet();
                _exits.Add(new KeyValuePair<ControlFlowBranch, PathStateSet>(branch, exit));
            }

            if (exit.Add(state))
            {
                _added++;
            }

            return;
        }

        Propagate(destination.Ordinal, state);
    }

    private void Propagate(int ordinal, PathState state)
    {
        if (!Graph.Blocks[ordinal].IsReachable)
        {
            return;
        }

        var set = _in[ordinal] ??= new PathStateSet();
        if (!set.Add(state))
        {
            return;
        }

        _added++;
        _tooManyAtOnePoint |= !Degraded && set.Count > MaxStatesPerPoint;
        _queue.Add(ordinal);
    }

    private void PropagateToHandler(HandlerTarget handler, List<PathState> states)
    {
        foreach (var state in states)
        {
            var continuation = _continuations.Truncate(state.Continuation, handler.FinallyDepth);
            if (handler.ByException)
            {
                continuation = _continuations.Push(continuation, Continuations.ExceptionBranch, -1);
            }

            Propagate(handler.Block, state.WithContinuation(continuation));
        }
    }

    /// <summary>
    /// A branch by its source block: each block has at most two (fall-through, conditional), so the ordinal says which
    /// without hashing the branch object.
    /// </summary>
    private static int BranchId(ControlFlowBranch branch)
        => 2 * branch.Source.Ordinal + (branch == branch.Source.ConditionalSuccessor ? 1 : 0);

    private ControlFlowBranch BranchOf(int id)
    {
        var source = Graph.Blocks[id >> 1];
        return ((id & 1) == 1 ? source.ConditionalSuccessor : source.FallThroughSuccessor)!;
    }

    /// <summary>
    /// The handlers an exception raised in <paramref name="start"/> reaches first: every catch of each enclosing
    /// try/catch (it may match none, so the search goes on outwards), up to and including the first enclosing
    /// finally, which runs before anything further out (and sends the exception on when it ends).
    /// </summary>
    private List<HandlerTarget>? HandlerTargets(ControlFlowRegion? start)
    {
        if (start is null || start == Graph.Root)
        {
            // (No try region encloses the graph's root region: nothing to record for it.)
            return null;
        }

        if (_handlersByRegion?.TryGetValue(start, out var cached) == true)
        {
            return cached;
        }

        var root = Graph.Root;
        List<HandlerTarget>? targets = null;
        for (var region = start; region != root && region?.EnclosingRegion is { } parent; region = parent)
        {
            if (region.Kind != ControlFlowRegionKind.Try)
            {
                continue;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
            {
                var finallyRegion = parent.NestedRegions[parent.NestedRegions.Length - 1];
                (targets ??= new List<HandlerTarget>()).Add(new HandlerTarget(finallyRegion.FirstBlockOrdinal, FinallyDepth(parent, root), byException: true));
                break;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                foreach (var handler in parent.NestedRegions)
                {
                    if (handler != region)
                    {
                        (targets ??= new List<HandlerTarget>()).Add(new HandlerTarget(handler.FirstBlockOrdinal, FinallyDepth(handler, root), byException: false));
                    }
                }
            }
        }

        (_handlersByRegion ??= new Dictionary<ControlFlowRegion, List<HandlerTarget>?>())[start] = targets;
        return targets;
    }

    /// <summary>
    /// How many finally regions of this graph enclose (or are) this region: the continuation depth of its
    /// blocks. (A lambda's graph hangs below the regions of the graph it is in; those do not count.)
    /// </summary>
    private static int FinallyDepth(ControlFlowRegion? region, ControlFlowRegion root)
    {
        var depth = 0;
        for (; region is not null && region != root; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Finally)
            {
                depth++;
            }
        }

        return depth;
    }

    private readonly struct HandlerTarget
    {
        public HandlerTarget(int block, int finallyDepth, bool byException)
        {
            Block = block;
            FinallyDepth = finallyDepth;
            ByException = byException;
        }

        public int Block { get; }
        public int FinallyDepth { get; }
        public bool ByException { get; }
    }
}

using GfpAnalyzers.Analyzers.Operations;
using System.Collections.Generic;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// One walk over every operation of a control-flow graph: where each operation sits (block, statement),
/// the lock / unlock / guard-dispose calls of every lock kind (<see cref="LockTypes"/>) and writes to tracked
/// conditions in evaluation order, and which <c>bool</c> locals and parameters can be tracked as conditions.
/// Every lock call is a <see cref="LockSite"/>; the caller's locks (from attributes) are sites too.
/// </summary>
internal sealed class GraphScan
{
    /// <summary>At most this many conditions are tracked per graph (bits of a uint).</summary>
    private const int MaxTrackedConditions = 32;

    private readonly RuntimeSymbols _symbols;
    private readonly ISymbol _owner;
    private static readonly Dictionary<ISymbol, int> NoneTracked = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The events of a block without any, by its statement count: all null, shared by every scan (nothing writes to
    /// them; <see cref="Finish"/> gives a block with events an array of its own).
    /// </summary>
    private static readonly LockEvent[]?[][] NoEvents = CreateNoEvents(16);

    // Most graphs have no bool conditions, status tests, guard locals or caller locks: each collection is made on its
    // first entry (a scan runs for every graph an atomic-context question reaches).
    private HashSet<ISymbol>? _candidates;
    private HashSet<ISymbol>? _excluded;
    private List<StatusTest>? _testCandidates;
    private Dictionary<ISymbol, List<(int Index, StatusTest Test)>>? _testsBySymbol;
    private Dictionary<ISymbol, int>? _tracked;
    private List<int>? _callerSites;
    private readonly List<LockSite?> _sites = new() { null };
    private List<(int Site, ILocalSymbol Local)>? _guardLocals;

    /// <summary>Guard disposes on a local: the index of the raw event, resolved to the local's lock site in <see cref="Finish"/>.</summary>
    private List<(int RawEvent, ILocalSymbol Local)>? _localGuardDisposes;

    /// <summary>The branch value being walked, when the statement is a conditional branch's condition.</summary>
    private IOperation? _condition;

    private readonly ControlFlowGraph _graph;

    /// <summary>
    /// A walk stack left by a finished scan on this thread, for the next (a scan may start another inside it, through a
    /// lock helper's own analysis: that one takes a new stack).
    /// </summary>
    [System.ThreadStatic]
    private static List<(IOperation Operation, bool ChildrenDone)>? s_spareStack;

    /// <summary>The walk's pending operations (one stack for the whole scan).</summary>
    private List<(IOperation Operation, bool ChildrenDone)> _pending = null!;

    /// <summary>The events the walk found, in walk order, before <see cref="Finish"/> resolves them.</summary>
    private readonly List<LockEvent> _rawEvents = new();

    /// <summary>Each statement with events: where its events start in <see cref="_rawEvents"/>, and how many.</summary>
    private readonly List<(int Block, int Statement, int Start, int Count)> _rawByStatement = new();

    /// <summary>Lock, unlock and lock-helper calls seen (events that can change which locks are held).</summary>
    private int _lockEvents;

    private LockEvent[]?[][]? _events;

    private readonly LockHelpers? _helpers;
    private readonly System.Threading.CancellationToken _ct;

    private GraphScan(ControlFlowGraph cfg, RuntimeSymbols symbols, ISymbol owner, IReadOnlyList<CallerLock> callerLocks, LockHelpers? helpers, System.Threading.CancellationToken ct)
    {
        _helpers = helpers;
        _ct = ct;
        _symbols = symbols;
        _owner = owner;
        _graph = cfg;
        Positions = new OperationPositions(cfg);
        foreach (var caller in callerLocks)
        {
            (_callerSites ??= new List<int>()).Add(_sites.Count);
            _sites.Add(new LockSite(_sites.Count, null, caller.Family, caller.Identity, caller.Name, null, null, caller.Attribute));
        }
    }

    public RuntimeSymbols Symbols => _symbols;

    /// <summary>Calls to lock helpers take and release locks in this scan (<see cref="LockHelpers"/>).</summary>
    public bool FollowsHelpers => _helpers is not null;

    /// <summary>The sites of the caller's locks, held on entry (outermost first).</summary>
    public IReadOnlyList<int> CallerSites => (IReadOnlyList<int>?)_callerSites ?? System.Array.Empty<int>();

    /// <summary>Block ordinal and statement index (the branch value is the last index) of every operation in the graph.</summary>
    public OperationPositions Positions { get; }

    /// <summary>Per block, per statement: the events in evaluation order, or null when there are none (after <see cref="Finish"/>).</summary>
    public LockEvent[]?[][] Events => _events ?? throw new System.InvalidOperationException("The scan is not finished.");

    /// <summary>
    /// Some path state can hold a lock: the caller holds one on entry, or the graph calls a lock, unlock or lock helper.
    /// Without any, no lock is held anywhere in the graph, whatever its conditions (only guard disposes that release
    /// nothing, and writes to conditions, remain).
    /// </summary>
    public bool HasLockEvents => _callerSites is not null || _lockEvents > 0;

    /// <summary>Every lock site by id; index 0 is null (a site the degraded pass forgot).</summary>
    public IReadOnlyList<LockSite?> Sites => _sites;

    /// <summary>Some operation did not bind (code being typed): a lock or unlock may be hiding in it.</summary>
    public bool HasInvalidOperations { get; private set; }

    /// <summary>More conditions than can be tracked: the untracked ones would pair a lock with the wrong unlock.</summary>
    public bool TooManyConditions { get; private set; }

    /// <summary>Tracked conditions and their bit index.</summary>
    public IReadOnlyDictionary<ISymbol, int> Tracked => _tracked ?? NoneTracked;

    public static GraphScan Run(ControlFlowGraph cfg, RuntimeSymbols symbols, ISymbol owner, IReadOnlyList<CallerLock> callerLocks, System.Threading.CancellationToken ct,
        LockHelpers? helpers = null)
    {
        var scan = Collect(cfg, symbols, owner, callerLocks, ct, helpers);
        scan.Finish();
        return scan;
    }

    /// <summary>
    /// The walk alone: positions, lock sites and raw events. Enough to tell whether any lock can be held
    /// (<see cref="HasLockEvents"/>); <see cref="Finish"/> completes the scan for <see cref="LockFlow"/>.
    /// </summary>
    public static GraphScan Collect(ControlFlowGraph cfg, RuntimeSymbols symbols, ISymbol owner, IReadOnlyList<CallerLock> callerLocks, System.Threading.CancellationToken ct,
        LockHelpers? helpers = null)
    {
        var scan = new GraphScan(cfg, symbols, owner, callerLocks, helpers, ct);
        scan._pending = RentStack();
        var raw = scan._rawEvents;
        foreach (var block in cfg.Blocks)
        {
            ct.ThrowIfCancellationRequested();
            var count = block.Operations.Length;
            for (var i = 0; i <= count; i++)
            {
                var statement = i < count ? block.Operations[i] : block.BranchValue;
                if (statement is null)
                {
                    continue;
                }

                var start = raw.Count;
                scan.Walk(statement, i == count && block.ConditionKind != ControlFlowConditionKind.None, raw);
                if (raw.Count > start)
                {
                    scan._rawByStatement.Add((block.Ordinal, i, start, raw.Count - start));
                }
            }

            if (block.ConditionKind != ControlFlowConditionKind.None && ConditionSymbol(block.BranchValue, out _) is { } condition
                && scan.IsTrackable(condition))
            {
                (scan._candidates ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(condition);
            }
            else if (block.ConditionKind != ControlFlowConditionKind.None && StatusTest.Parse(block.BranchValue, out _) is { } test
                && scan.IsTrackable(test.Symbol) && !scan.IsTestCandidate(test))
            {
                (scan._testCandidates ??= new List<StatusTest>()).Add(test);
            }
        }

        ReturnStack(scan._pending);
        scan._pending = null!;
        return scan;
    }

    private static LockEvent[]?[][] CreateNoEvents(int count)
    {
        var result = new LockEvent[]?[count][];
        for (var i = 0; i < count; i++)
        {
            result[i] = i == 0 ? System.Array.Empty<LockEvent[]?>() : new LockEvent[]?[i];
        }

        return result;
    }

    private static List<(IOperation Operation, bool ChildrenDone)> RentStack()
    {
        var stack = s_spareStack ?? new List<(IOperation Operation, bool ChildrenDone)>();
        s_spareStack = null;
        return stack;
    }

    /// <summary>Hands an emptied walk stack to the next walk on this thread.</summary>
    private static void ReturnStack(List<(IOperation Operation, bool ChildrenDone)> stack)
    {
        stack.Clear();
        s_spareStack = stack;
    }

    /// <summary>Chooses the tracked conditions, finds escaped guards and resolves guard disposes: the events the lock flow applies.</summary>
    public void Finish()
    {
        if (_events is not null)
        {
            return;
        }

        var blocks = _graph.Blocks;
        var events = new LockEvent[]?[blocks.Length][];
        var withEvents = new bool[blocks.Length];
        foreach (var (blockOrdinal, _, _, _) in _rawByStatement)
        {
            withEvents[blockOrdinal] = true;
        }

        foreach (var block in blocks)
        {
            var statements = block.Operations.Length + (block.BranchValue is null ? 0 : 1);
            events[block.Ordinal] = withEvents[block.Ordinal] || statements >= NoEvents.Length ? new LockEvent[]?[statements] : NoEvents[statements];
        }

        ChooseTracked(_graph);
        FindEscapedGuards();
        ResolveGuardDisposes();
        var kept = new List<LockEvent>();
        foreach (var (blockOrdinal, statement, start, count) in _rawByStatement)
        {
            kept.Clear();
            for (var i = start; i < start + count; i++)
            {
                var e = _rawEvents[i];
                if (e.Kind != LockEventKind.ConditionWrite || _tracked?.ContainsKey(e.Symbol!) == true || _testsBySymbol?.ContainsKey(e.Symbol!) == true)
                {
                    kept.Add(e);
                }
            }

            if (kept.Count > 0)
            {
                events[blockOrdinal][statement] = kept.ToArray();
            }
        }

        _rawEvents.Clear();

        _events = events;
    }

    private bool IsTestCandidate(StatusTest test)
    {
        if (_testCandidates is null)
        {
            return false;
        }

        foreach (var known in _testCandidates)
        {
            if (known.SameAs(test))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The local or parameter a branch condition tests, looking through <c>!</c> and implicit conversions.</summary>
    public static ISymbol? ConditionSymbol(IOperation? condition, out bool negated)
        => ConditionOperand.Strip(condition, out negated) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

    private bool IsTrackable(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => !local.IsRef && (local.Type.SpecialType == SpecialType.System_Boolean || StatusTest.IsStatusType(local.Type))
            && SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, _owner),
        IParameterSymbol parameter => parameter.RefKind == RefKind.None
            && (parameter.Type.SpecialType == SpecialType.System_Boolean || StatusTest.IsStatusType(parameter.Type))
            && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _owner),
        _ => false,
    };

    /// <summary>
    /// The tracked condition a branch tests — a <c>bool</c> local or parameter, or a <see cref="StatusTest"/> — as its
    /// bit index; -1 when it tests nothing tracked. <paramref name="negated"/>: the branch value is the negation.
    /// </summary>
    public int ConditionIndex(IOperation? condition, out bool negated)
    {
        if (ConditionSymbol(condition, out negated) is { } symbol)
        {
            return _tracked is not null && _tracked.TryGetValue(symbol, out var index) ? index : -1;
        }

        if (_testsBySymbol is not null && StatusTest.Parse(condition, out negated) is { } test
            && _testsBySymbol.TryGetValue(test.Symbol, out var tests))
        {
            foreach (var (index, known) in tests)
            {
                if (known.SameAs(test))
                {
                    return index;
                }
            }
        }

        return -1;
    }

    /// <summary>A write to a tracked bool, or to a status local: what the path now knows of the tests that read it.</summary>
    public PathState Write(LockEvent e, PathState state)
    {
        if (_tracked is not null && _tracked.TryGetValue(e.Symbol!, out var index))
        {
            state = state.WithCondition(index, e.Value);
        }

        if (_testsBySymbol is not null && _testsBySymbol.TryGetValue(e.Symbol!, out var tests))
        {
            foreach (var (testIndex, test) in tests)
            {
                state = state.WithCondition(testIndex, test.Evaluate(e.Number));
            }
        }

        return state;
    }

    private void ChooseTracked(ControlFlowGraph cfg)
    {
        if (_excluded is not null)
        {
            _candidates?.ExceptWith(_excluded);
        }

        if ((_candidates is null || _candidates.Count == 0) && _testCandidates is null)
        {
            return;
        }

        // A variable a lambda or local function captures can change whenever any call runs the closure.
        var captured = Captured(cfg.OriginalOperation);
        if (_candidates is not null)
        {
            _candidates.ExceptWith(captured);
            foreach (var candidate in _candidates)
            {
                _tracked ??= new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
                if (_tracked.Count == MaxTrackedConditions)
                {
                    TooManyConditions = true;
                    break;
                }

                _tracked.Add(candidate, _tracked.Count);
            }
        }

        if (_testCandidates is null)
        {
            return;
        }

        // Status tests take the bits the bools leave, in the order the branches come; one left untracked only costs
        // precision (both of its branches are followed, as before).
        var next = _tracked?.Count ?? 0;
        foreach (var test in _testCandidates)
        {
            if (next == MaxTrackedConditions)
            {
                break;
            }

            if (_excluded?.Contains(test.Symbol) == true || captured.Contains(test.Symbol))
            {
                continue;
            }

            _testsBySymbol ??= new Dictionary<ISymbol, List<(int Index, StatusTest Test)>>(SymbolEqualityComparer.Default);
            if (!_testsBySymbol.TryGetValue(test.Symbol, out var tests))
            {
                _testsBySymbol.Add(test.Symbol, tests = new List<(int, StatusTest)>());
            }

            tests.Add((next++, test));
        }
    }

    /// <summary>
    /// The locals and parameters referenced inside the lambdas and local functions under <paramref name="root"/> (not
    /// counting <paramref name="root"/> itself, when the graph is a lambda's): one walk, marking what lies inside one.
    /// </summary>
    private HashSet<ISymbol> Captured(IOperation root)
    {
        var captured = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var pending = RentStack();
        foreach (var child in root.ChildOperations)
        {
            pending.Add((child, false));
        }

        while (pending.Count > 0)
        {
            var (operation, insideFunction) = pending[pending.Count - 1];
            pending.RemoveAt(pending.Count - 1);
            if (insideFunction)
            {
                if (operation is ILocalReferenceOperation local)
                {
                    captured.Add(local.Local);
                }
                else if (operation is IParameterReferenceOperation parameter)
                {
                    captured.Add(parameter.Parameter);
                }
            }

            var inside = insideFunction || operation is IAnonymousFunctionOperation or ILocalFunctionOperation;
            foreach (var child in operation.ChildOperations)
            {
                pending.Add((child, inside));
            }
        }

        ReturnStack(pending);
        return captured;
    }

    /// <summary>Post-order walk: an invocation or assignment takes effect after its operands.</summary>
    private void Walk(IOperation root, bool isCondition, List<LockEvent> events)
    {
        _condition = isCondition ? root : null;
        var pending = _pending;
        pending.Add((root, false));
        while (pending.Count > 0)
        {
            var last = pending.Count - 1;
            var (operation, childrenDone) = pending[last];
            if (childrenDone)
            {
                pending.RemoveAt(last);
                Visit(operation, events);
                continue;
            }

            pending[last] = (operation, true);

            // A lambda's body is its own graph; nothing in it runs here.
            if (operation.Kind != OperationKind.FlowAnonymousFunction)
            {
                foreach (var child in operation.ChildOperations.Reverse())
                {
                    pending.Add((child, false));
                }
            }
        }
    }

    private void Visit(IOperation operation, List<LockEvent> events)
    {
        // By kind first: one virtual call instead of a type test per case for every operation of the graph.
        switch (operation.Kind)
        {
            case OperationKind.Invalid:
                HasInvalidOperations = true;
                break;

            case OperationKind.Invocation:
                VisitInvocation((IInvocationOperation)operation, events);
                break;

            case OperationKind.SimpleAssignment:
                var simple = (ISimpleAssignmentOperation)operation;
                if (!simple.IsRef && Written(simple.Target) is { } assigned && !IsTryLockCall(simple.Value))
                {
                    // (`ok = l.TryLock()`: the TryAcquire event sets `ok` on each of the two paths it makes.)
                    events.Add(new LockEvent(LockEventKind.ConditionWrite, simple, 0, assigned, simple.Value.ConstantValue is { HasValue: true, Value: bool value } ? value : null,
                        number: StatusTest.Number(simple.Value)));
                }

                break;

            case OperationKind.Increment or OperationKind.Decrement when Written(((IIncrementOrDecrementOperation)operation).Target) is { } incremented:
                events.Add(new LockEvent(LockEventKind.ConditionWrite, operation, 0, incremented, null));
                break;

            case OperationKind.CompoundAssignment when Written(((ICompoundAssignmentOperation)operation).Target) is { } compound:
                events.Add(new LockEvent(LockEventKind.ConditionWrite, operation, 0, compound, null));
                break;

            case OperationKind.CoalesceAssignment when Written(((ICoalesceAssignmentOperation)operation).Target) is { } coalesced:
                events.Add(new LockEvent(LockEventKind.ConditionWrite, operation, 0, coalesced, null));
                break;

            case OperationKind.DeconstructionAssignment:
                foreach (var part in ((IDeconstructionAssignmentOperation)operation).Target.DescendantsAndSelf())
                {
                    if (Written(part) is { } written)
                    {
                        events.Add(new LockEvent(LockEventKind.ConditionWrite, operation, 0, written, null));
                    }
                }

                break;

            case OperationKind.LocalReference when IsByReference(operation):
                // Passed by reference or aliased: it may change behind our back, so it is never tracked.
                (_excluded ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(((ILocalReferenceOperation)operation).Local);
                break;

            case OperationKind.ParameterReference when IsByReference(operation):
                (_excluded ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(((IParameterReferenceOperation)operation).Parameter);
                break;
        }
    }

    private void VisitInvocation(IInvocationOperation invocation, List<LockEvent> events)
    {
        if (_symbols.Locks.Classify(invocation.TargetMethod) is { } lockOperation)
        {
            VisitLockCall(invocation, lockOperation, events);
        }
        else if (_helpers?.EffectsOf(invocation, _ct) is { IsEmpty: false } effects)
        {
            VisitHelperCall(invocation, effects, events);
        }
        else if (IsGuardDispose(invocation, out var guardType, out var guardLocal))
        {
            if (guardLocal is not null)
            {
                (_localGuardDisposes ??= new List<(int, ILocalSymbol)>()).Add((events.Count, guardLocal));
            }

            events.Add(new LockEvent(LockEventKind.GuardDispose, invocation, 0, null, null, new LockRelease(null, null, string.Empty, 0, guardType, null)));
        }
    }

    private void VisitLockCall(IInvocationOperation invocation, LockOperation operation, List<LockEvent> events)
    {
        var identity = LockOperation.Domain(operation.Family) ?? PathOf(invocation.Instance);
        var name = identity ?? invocation.Instance?.Syntax.ToString() ?? operation.LinuxName;
        _lockEvents++;
        if (operation.Role == LockRole.Release)
        {
            var flags = operation.RestoresFlags && invocation.Arguments.Length == 1 ? ReferencedVariable(invocation.Arguments[0].Value) : null;
            events.Add(new LockEvent(LockEventKind.Release, invocation, 0, null, null, new LockRelease(operation, identity, name, 0, null, flags)));
            return;
        }

        var id = _sites.Count;
        var returnsGuard = _symbols.Locks.IsGuard(invocation.TargetMethod.ReturnType);
        var site = new LockSite(id, operation, operation.Family, identity, name, invocation.Syntax.GetLocation(),
            returnsGuard ? invocation.TargetMethod.ReturnType.OriginalDefinition : null, null);
        site.ReceiverText = invocation.Instance?.Syntax.ToString() ?? invocation.TargetMethod.ContainingType.Name;
        _sites.Add(site);
        if (operation.Role == LockRole.TryAcquire)
        {
            if (operation.Variant == LockVariant.IrqSave && invocation.Arguments.Length == 1)
            {
                // TryLockIrqSave(out var flags)
                site.FlagsLocal = ReferencedVariable(invocation.Arguments[0].Value);
            }

            var kind = IsBranchCondition(invocation) ? LockEventKind.TryAcquireOnBranch : LockEventKind.TryAcquire;
            events.Add(new LockEvent(kind, invocation, id, AssignedLocal(invocation), null));
            return;
        }

        events.Add(new LockEvent(LockEventKind.Acquire, invocation, id, null, null));
        if (returnsGuard)
        {
            ClassifyGuard(invocation, id);
        }
        else if (operation.Variant == LockVariant.IrqSave)
        {
            site.FlagsLocal = AssignedLocal(invocation);
        }
    }

    /// <summary>A call to a lock helper takes or releases its lock here, named in this method's terms.</summary>
    private void VisitHelperCall(IInvocationOperation invocation, System.Collections.Immutable.ImmutableArray<LockHelperEffect> effects, List<LockEvent> events)
    {
        _lockEvents++;
        foreach (var effect in effects)
        {
            var identity = HelperIdentity(effect, invocation);
            var name = identity ?? effect.Name;
            if (effect.Role == LockRole.Release)
            {
                events.Add(new LockEvent(LockEventKind.Release, invocation, 0, null, null, new LockRelease(effect.Operation, identity, name, 0, null, null)));
                continue;
            }

            var id = _sites.Count;
            var site = new LockSite(id, effect.Operation, effect.Operation.Family, identity, name, invocation.Syntax.GetLocation(), null, null)
            {
                ReceiverText = LockOperation.Domain(effect.Operation.Family) is null ? identity ?? string.Empty : invocation.TargetMethod.ContainingType.Name,
                ReportedInHelper = !effect.Annotated,
                TakenBy = invocation.IsImplicit ? HiddenCallText.Describe(invocation) : null,
            };
            _sites.Add(site);
            events.Add(new LockEvent(LockEventKind.Acquire, invocation, id, null, null));
        }
    }

    /// <summary>
    /// The helper's lock in the caller's terms: a lock the helper reaches through one of its parameters is the argument's
    /// ("Unlock(dev)" releases "dev.Lock" when the helper releases "d.Lock"); one it reaches through <c>this</c> is the
    /// receiver's ("dev.Release()" releases "dev._lock"); a family's one lock (RCU, preemption, ...) stays itself.
    /// Null when the argument or receiver is no path of names.
    /// </summary>
    private static string? HelperIdentity(LockHelperEffect effect, IInvocationOperation invocation)
    {
        if (effect.Identity is not { } identity || LockOperation.Domain(effect.Operation.Family) is not null)
        {
            return effect.Identity;
        }

        var dot = identity.IndexOf('.');
        var head = dot < 0 ? identity : identity.Substring(0, dot);
        var callee = invocation.TargetMethod;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter && parameter.Name == head && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, callee))
            {
                return PathOf(argument.Value) is { } path ? path + identity.Substring(head.Length) : null;
            }
        }

        if (callee.IsStatic || invocation.Instance is null or IInstanceReferenceOperation)
        {
            return identity;
        }

        // The Dispose() a using or foreach adds releases a lock its guard or enumerator reaches through its own fields
        // ("g._device.Lock"), which this method names otherwise ("device.Lock"): the lock is unknown here.
        if (invocation.IsImplicit && callee is { Name: "Dispose", Parameters.Length: 0 })
        {
            return null;
        }

        return PathOf(invocation.Instance) is { } receiver ? receiver + "." + identity : null;
    }

    /// <summary>The call is the branch condition itself (through <c>!</c> and conversions): <c>if (l.TryLock())</c>.</summary>
    private bool IsBranchCondition(IOperation operation)
    {
        while (operation.Parent is IConversionOperation or IUnaryOperation { OperatorKind: UnaryOperatorKind.Not })
        {
            operation = operation.Parent;
        }

        return operation.Parent is null && operation == _condition;
    }

    private bool IsTryLockCall(IOperation value)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        return value is IInvocationOperation invocation && _symbols.Locks.Classify(invocation.TargetMethod)?.Role == LockRole.TryAcquire;
    }

    /// <summary>The local or parameter a call's result is stored in (<c>var flags = LocalIrq.Save();</c>), if any.</summary>
    private static ISymbol? AssignedLocal(IOperation value)
    {
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        return value.Parent is ISimpleAssignmentOperation assignment && assignment.Value == value ? ReferencedVariable(assignment.Target) : null;
    }

    private static ISymbol? ReferencedVariable(IOperation operation)
    {
        while (operation is IConversionOperation or IDeclarationExpressionOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IDeclarationExpressionOperation)operation).Expression;
        }

        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            _ => null,
        };
    }

    /// <summary>
    /// Which lock a receiver denotes, as a path of names: <c>_lock</c> and <c>this._lock</c> are "_lock",
    /// <c>dev.Lock</c> is "dev.Lock". Anything else (a call, an indexer) is unknown (null).
    /// </summary>
    public static string? PathOf(IOperation? receiver)
    {
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        switch (receiver)
        {
            case ILocalReferenceOperation local:
                return local.Local.Name;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter.Name;
            case IFieldReferenceOperation field:
                return Member(field.Instance, field.Field.Name);
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                return Member(property.Instance, property.Property.Name);
            default:
                return null;
        }

        static string? Member(IOperation? instance, string name)
            => instance is null or IInstanceReferenceOperation ? name : PathOf(instance) is { } path ? path + "." + name : null;
    }

    /// <summary>A guard Dispose on a local assigned from exactly one lock call releases that call's site (its raw event is replaced).</summary>
    private void ResolveGuardDisposes()
    {
        if (_localGuardDisposes is null || _guardLocals is null)
        {
            return;
        }

        foreach (var (rawEvent, local) in _localGuardDisposes)
        {
            var site = 0;
            foreach (var (candidate, guardLocal) in _guardLocals)
            {
                if (SymbolEqualityComparer.Default.Equals(guardLocal, local))
                {
                    site = site == 0 ? candidate : -1;
                }
            }

            if (site > 0)
            {
                var dispose = _rawEvents[rawEvent];
                _rawEvents[rawEvent] = new LockEvent(LockEventKind.GuardDispose, dispose.Operation, 0, null, null,
                    new LockRelease(null, _sites[site]!.Identity, _sites[site]!.Name, site, dispose.Release!.GuardType, null));
            }
        }
    }

    /// <summary>
    /// Where the guard of a lock call goes. Discarded, a <c>using</c> resource, or a local: the method
    /// owns the lock. Anything else (returned, stored, passed as an argument): it escapes.
    /// </summary>
    private void ClassifyGuard(IOperation invocation, int site)
    {
        var value = invocation;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        // (With no parent it is a block's branch value: the guard is returned.)
        switch (value.Parent)
        {
            case IExpressionStatementOperation:
            case IFlowCaptureOperation:
            case ISimpleAssignmentOperation { Target: IDiscardOperation } discard when discard.Value == value:
                return;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == value:
                (_guardLocals ??= new List<(int, ILocalSymbol)>()).Add((site, local.Local));
                return;
            default:
                MarkEscaped(site);
                return;
        }
    }

    private void MarkEscaped(int site) => _sites[site]!.Escaped = true;

    /// <summary>A guard held in a local escapes when the local is used for anything but being written or disposed.</summary>
    private void FindEscapedGuards()
    {
        if (_guardLocals is null)
        {
            return;
        }

        var escapingLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in ControlFlowGraphs.AllOperations(_graph))
        {
            if (operation is not ILocalReferenceOperation reference)
            {
                continue;
            }

            var parent = reference.Parent;
            var written = parent is ISimpleAssignmentOperation assignment && assignment.Target == reference;
            var disposed = parent is IInvocationOperation { TargetMethod.Name: "Dispose" } call && call.Instance == reference;
            if (!written && !disposed)
            {
                escapingLocals.Add(reference.Local);
            }
        }

        foreach (var (site, local) in _guardLocals)
        {
            if (escapingLocals.Contains(local))
            {
                MarkEscaped(site);
            }
        }
    }

    private static ISymbol? Written(IOperation target) => target switch
    {
        ILocalReferenceOperation local when local.Local.Type.SpecialType == SpecialType.System_Boolean || StatusTest.IsStatusType(local.Local.Type) => local.Local,
        IParameterReferenceOperation parameter when parameter.Parameter.Type.SpecialType == SpecialType.System_Boolean || StatusTest.IsStatusType(parameter.Parameter.Type)
            => parameter.Parameter,
        _ => null,
    };

    private static bool IsByReference(IOperation reference)
    {
        var parent = reference.Parent;
        if (parent is IDeclarationExpressionOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IArgumentOperation argument => argument.Parameter is null || argument.Parameter.RefKind != RefKind.None,
            IAddressOfOperation => true,
            ISimpleAssignmentOperation { IsRef: true } => true,
            _ => false,
        };
    }

    /// <summary>A guard's <c>Dispose()</c> (a <c>using</c> may call <c>IDisposable.Dispose</c> on the converted guard).</summary>
    private bool IsGuardDispose(IInvocationOperation invocation, out ITypeSymbol? guardType, out ILocalSymbol? local)
    {
        guardType = null;
        local = null;
        var method = invocation.TargetMethod;
        if (method.Name != "Dispose" || method.Parameters.Length != 0)
        {
            return false;
        }

        var instance = invocation.Instance;
        while (instance is IConversionOperation conversion)
        {
            instance = conversion.Operand;
        }

        var type = _symbols.Locks.IsGuard(method.ContainingType) ? method.ContainingType : instance?.Type;
        if (!_symbols.Locks.IsGuard(type))
        {
            return false;
        }

        guardType = type!.OriginalDefinition;
        local = (instance as ILocalReferenceOperation)?.Local;
        return true;
    }
}

/// <summary>A lock the caller holds on entry, from an attribute on the method.</summary>
internal readonly struct CallerLock
{
    public CallerLock(LockFamily family, string? identity, string name, string attribute)
    {
        Family = family;
        Identity = identity;
        Name = name;
        Attribute = attribute;
    }

    public LockFamily Family { get; }

    public string? Identity { get; }

    public string Name { get; }

    /// <summary>As messages write it: "[LockHeld(\"_lock\")]", "[IrqsDisabled]", "[RcuReadLockHeld]".</summary>
    public string Attribute { get; }
}

using System.Collections.Generic;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// One walk over every operation of a control-flow graph: where each operation sits (block, statement),
/// the lock / unlock / guard-dispose calls and writes to tracked conditions in evaluation order, and which
/// <c>bool</c> locals and parameters can be tracked as conditions.
/// </summary>
internal sealed class GraphScan
{
    /// <summary>At most this many conditions are tracked per graph (bits of a uint).</summary>
    private const int MaxTrackedConditions = 32;

    private readonly RuntimeSymbols _symbols;
    private readonly ISymbol _owner;
    private readonly HashSet<ISymbol> _candidates = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _excluded = new(SymbolEqualityComparer.Default);
    private readonly List<Location?> _sites = new() { null };
    private readonly List<(int Site, ILocalSymbol Local)> _guardLocals = new();

    private GraphScan(ControlFlowGraph cfg, RuntimeSymbols symbols, ISymbol owner)
    {
        _symbols = symbols;
        _owner = owner;
        var blocks = cfg.Blocks;
        Events = new RcuEvent[]?[blocks.Length][];
        foreach (var block in blocks)
        {
            var statements = block.Operations.Length + (block.BranchValue is null ? 0 : 1);
            Events[block.Ordinal] = new RcuEvent[]?[statements];
        }
    }

    /// <summary>Block ordinal and statement index (the branch value is the last index) of every operation in the graph.</summary>
    public Dictionary<IOperation, (int Block, int Statement)> Positions { get; } = new();

    /// <summary>Per block, per statement: the events in evaluation order, or null when there are none.</summary>
    public RcuEvent[]?[][] Events { get; }

    /// <summary>Where each lock site is; index 0 is the caller's lock (no location).</summary>
    public IReadOnlyList<Location?> Sites => _sites;

    /// <summary>
    /// Lock sites whose guard leaves the method's hands (returned, stored in a field, passed on): whoever holds
    /// the guard releases the lock, so the method does not leak it by returning.
    /// </summary>
    public HashSet<int> EscapedSites { get; } = new();

    /// <summary>Some operation did not bind (code being typed): a lock or unlock may be hiding in it.</summary>
    public bool HasInvalidOperations { get; private set; }

    /// <summary>More conditions than can be tracked: the untracked ones would pair a lock with the wrong unlock.</summary>
    public bool TooManyConditions { get; private set; }

    /// <summary>Tracked conditions and their bit index.</summary>
    public Dictionary<ISymbol, int> Tracked { get; } = new(SymbolEqualityComparer.Default);

    public static GraphScan Run(ControlFlowGraph cfg, RuntimeSymbols symbols, ISymbol owner, System.Threading.CancellationToken ct)
    {
        var scan = new GraphScan(cfg, symbols, owner);
        var raw = new List<RcuEvent>();
        var rawByStatement = new List<(int Block, int Statement, RcuEvent[] Events)>();
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

                raw.Clear();
                scan.Walk(statement, block.Ordinal, i, raw);
                if (raw.Count > 0)
                {
                    rawByStatement.Add((block.Ordinal, i, raw.ToArray()));
                }
            }

            if (block.ConditionKind != ControlFlowConditionKind.None && ConditionSymbol(block.BranchValue, out _) is { } condition
                && scan.IsTrackable(condition))
            {
                scan._candidates.Add(condition);
            }
        }

        scan.ChooseTracked(cfg);
        scan.FindEscapedGuards();
        foreach (var (blockOrdinal, statement, events) in rawByStatement)
        {
            var kept = new List<RcuEvent>(events.Length);
            foreach (var e in events)
            {
                if (e.Kind != RcuEventKind.ConditionWrite || scan.Tracked.ContainsKey(e.Symbol!))
                {
                    kept.Add(e);
                }
            }

            if (kept.Count > 0)
            {
                scan.Events[blockOrdinal][statement] = kept.ToArray();
            }
        }

        return scan;
    }

    /// <summary>The local or parameter a branch condition tests, looking through <c>!</c> and implicit conversions.</summary>
    public static ISymbol? ConditionSymbol(IOperation? condition, out bool negated)
    {
        negated = false;
        while (true)
        {
            switch (condition)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    condition = conversion.Operand;
                    continue;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    negated = !negated;
                    condition = not.Operand;
                    continue;
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                default:
                    return null;
            }
        }
    }

    private bool IsTrackable(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => !local.IsRef && local.Type.SpecialType == SpecialType.System_Boolean
            && SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, _owner),
        IParameterSymbol parameter => parameter.RefKind == RefKind.None && parameter.Type.SpecialType == SpecialType.System_Boolean
            && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _owner),
        _ => false,
    };

    private void ChooseTracked(ControlFlowGraph cfg)
    {
        _candidates.ExceptWith(_excluded);
        if (_candidates.Count == 0)
        {
            return;
        }

        // A variable a lambda or local function captures can change whenever any call runs the closure.
        foreach (var operation in cfg.OriginalOperation.Descendants())
        {
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                foreach (var inner in operation.Descendants())
                {
                    if (inner is ILocalReferenceOperation local)
                    {
                        _candidates.Remove(local.Local);
                    }
                    else if (inner is IParameterReferenceOperation parameter)
                    {
                        _candidates.Remove(parameter.Parameter);
                    }
                }
            }
        }

        foreach (var candidate in _candidates)
        {
            if (Tracked.Count == MaxTrackedConditions)
            {
                TooManyConditions = true;
                break;
            }

            Tracked.Add(candidate, Tracked.Count);
        }
    }

    /// <summary>Post-order walk: an invocation or assignment takes effect after its operands.</summary>
    private void Walk(IOperation root, int block, int statement, List<RcuEvent> events)
    {
        var stack = new Stack<(IOperation Operation, bool ChildrenDone)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (operation, childrenDone) = stack.Pop();
            if (!childrenDone)
            {
                Positions[operation] = (block, statement);
                stack.Push((operation, true));

                // A lambda's body is its own graph; nothing in it runs here.
                if (operation is not IFlowAnonymousFunctionOperation)
                {
                    var children = new List<IOperation>(operation.ChildOperations);
                    for (var i = children.Count - 1; i >= 0; i--)
                    {
                        stack.Push((children[i], false));
                    }
                }

                continue;
            }

            Visit(operation, events);
        }
    }

    private void Visit(IOperation operation, List<RcuEvent> events)
    {
        switch (operation)
        {
            case IInvalidOperation:
                HasInvalidOperations = true;
                break;

            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                if (_symbols.IsReadLock(method))
                {
                    events.Add(new RcuEvent(RcuEventKind.Lock, invocation, _sites.Count, null, null));
                    ClassifyGuard(invocation, _sites.Count);
                    _sites.Add(invocation.Syntax.GetLocation());
                }
                else if (_symbols.IsReadUnlock(method))
                {
                    events.Add(new RcuEvent(RcuEventKind.Unlock, invocation, 0, null, null));
                }
                else if (IsGuardDispose(invocation))
                {
                    events.Add(new RcuEvent(RcuEventKind.GuardDispose, invocation, 0, null, null));
                }

                break;

            case ISimpleAssignmentOperation { IsRef: false } simple when Written(simple.Target) is { } target:
                events.Add(new RcuEvent(RcuEventKind.ConditionWrite, simple, 0, target, simple.Value.ConstantValue is { HasValue: true, Value: bool value } ? value : null));
                break;

            case ICompoundAssignmentOperation compound when Written(compound.Target) is { } target:
                events.Add(new RcuEvent(RcuEventKind.ConditionWrite, compound, 0, target, null));
                break;

            case ICoalesceAssignmentOperation coalesce when Written(coalesce.Target) is { } target:
                events.Add(new RcuEvent(RcuEventKind.ConditionWrite, coalesce, 0, target, null));
                break;

            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var part in deconstruction.Target.DescendantsAndSelf())
                {
                    if (Written(part) is { } written)
                    {
                        events.Add(new RcuEvent(RcuEventKind.ConditionWrite, deconstruction, 0, written, null));
                    }
                }

                break;

            case ILocalReferenceOperation or IParameterReferenceOperation when IsByReference(operation):
                // Passed by reference or aliased: it may change behind our back, so it is never tracked.
                _excluded.Add(operation is ILocalReferenceOperation l ? l.Local : ((IParameterReferenceOperation)operation).Parameter);
                break;
        }
    }

    /// <summary>
    /// Where the guard of a <c>ReadLock()</c> goes. Discarded, a <c>using</c> resource, or a local: the method
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
                _guardLocals.Add((site, local.Local));
                return;
            default:
                EscapedSites.Add(site);
                return;
        }
    }

    /// <summary>A guard held in a local escapes when the local is used for anything but being written or disposed.</summary>
    private void FindEscapedGuards()
    {
        if (_guardLocals.Count == 0)
        {
            return;
        }

        var escapingLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in Positions.Keys)
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
                EscapedSites.Add(site);
            }
        }
    }

    private static ISymbol? Written(IOperation target) => target switch
    {
        ILocalReferenceOperation local when local.Local.Type.SpecialType == SpecialType.System_Boolean => local.Local,
        IParameterReferenceOperation parameter when parameter.Parameter.Type.SpecialType == SpecialType.System_Boolean => parameter.Parameter,
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

    private bool IsGuardDispose(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (_symbols.IsGuardDispose(method))
        {
            return true;
        }

        if (method.Name != "Dispose" || method.Parameters.Length != 0 || _symbols.RcuReadGuard is null)
        {
            return false;
        }

        // A using statement may call IDisposable.Dispose on the (converted) guard.
        var instance = invocation.Instance;
        while (instance is IConversionOperation conversion)
        {
            instance = conversion.Operand;
        }

        return SymbolEqualityComparer.Default.Equals(instance?.Type?.OriginalDefinition, _symbols.RcuReadGuard);
    }
}

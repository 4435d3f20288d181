// Flag values through a method's control-flow graph.
//
//   var flags = FlagValueAnalysis.GetOrCreate(cfg, symbols, ct);   // cached per graph, shared by analyzers
//   FlagValue v = flags.GetValue(argument.Value);                     // any Gfp operation of that graph
//
// A forward data-flow analysis over the blocks of a Microsoft.CodeAnalysis ControlFlowGraph: the state
// maps locals, parameters and flow captures to FlagValues; joins take must = intersection, may = union;
// loops iterate to a fixpoint. Parameters start as unknown sources ("parameter 'gfp'"); variables
// captured from an enclosing method, or aliased by ref or written by a lambda, are unknown wherever read.
// Operations of nested lambdas and local functions are not in the graph: analyse their own graphs
// (cfg.GetAnonymousFunctionControlFlowGraph / GetLocalFunctionControlFlowGraph).
// Operations that are not in the graph, unreachable, or did not bind get a value with HasErrors set.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>The values of every <c>Gfp</c> expression of one control-flow graph.</summary>
internal sealed class FlagValueAnalysis
{
    /// <summary>Rounds over the blocks before giving up (and staying silent): far above what real methods need.</summary>
    private const int MaxRounds = 64;

    private static readonly ConditionalWeakTable<ControlFlowGraph, FlagValueAnalysis> Cache = new();

    private readonly Dictionary<IOperation, FlagValue> _values;
    private readonly bool _converged;

    private FlagValueAnalysis(Dictionary<IOperation, FlagValue> values, bool converged)
    {
        _values = values;
        _converged = converged;
    }

    /// <summary>Analyses <paramref name="cfg"/>.</summary>
    public static FlagValueAnalysis Create(ControlFlowGraph cfg, RuntimeSymbols symbols, CancellationToken cancellationToken)
        => new Solver(cfg, symbols, cancellationToken).Solve();

    /// <summary>The analysis of <paramref name="cfg"/>, computed once and shared by every analyzer that asks.</summary>
    public static FlagValueAnalysis GetOrCreate(ControlFlowGraph cfg, RuntimeSymbols symbols, CancellationToken cancellationToken)
        => Cache.GetValue(cfg, graph => Create(graph, symbols, cancellationToken));

    /// <summary>The value of <paramref name="flagsExpression"/>, an operation of the analysed graph.</summary>
    public FlagValue GetValue(IOperation flagsExpression)
    {
        if (!_converged)
        {
            return FlagValue.Invalid;
        }

        if (_values.TryGetValue(flagsExpression, out var value))
        {
            return value;
        }

        return flagsExpression is IArgumentOperation argument ? GetValue(argument.Value) : FlagValue.Invalid;
    }

    private sealed class Solver : FlagEvaluator
    {
        private readonly ControlFlowGraph _cfg;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<ISymbol> _declared = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _escaped = new(SymbolEqualityComparer.Default);
        private Dictionary<object, FlagValue> _state = NewState();
        private Dictionary<IOperation, FlagValue>? _recorded;

        /// <summary>Per block inside a try: the join of every state the block passes through (what a handler may see).</summary>
        private Dictionary<object, FlagValue>?[] _throughout = System.Array.Empty<Dictionary<object, FlagValue>?>();

        public Solver(ControlFlowGraph cfg, RuntimeSymbols symbols, CancellationToken cancellationToken)
            : base(symbols)
        {
            _cfg = cfg;
            _cancellationToken = cancellationToken;
            CollectDeclared(cfg.Root);
            CollectEscaped();
        }

        public FlagValueAnalysis Solve()
        {
            var blocks = _cfg.Blocks;
            var inputs = new Dictionary<object, FlagValue>?[blocks.Length];
            var outputs = new Dictionary<object, FlagValue>?[blocks.Length];
            _throughout = new Dictionary<object, FlagValue>?[blocks.Length];
            var converged = false;
            for (var round = 0; round < MaxRounds && !converged; round++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                converged = true;
                foreach (var block in blocks)
                {
                    var input = Input(block, inputs, outputs);
                    if (input is null)
                    {
                        continue;
                    }

                    inputs[block.Ordinal] = input;
                    var output = Transfer(block, Copy(input));
                    if (outputs[block.Ordinal] is not { } previous || !SameState(previous, output))
                    {
                        outputs[block.Ordinal] = output;
                        converged = false;
                    }
                }
            }

            var values = new Dictionary<IOperation, FlagValue>();
            if (converged)
            {
                _recorded = values;
                foreach (var block in blocks)
                {
                    if (inputs[block.Ordinal] is { } input)
                    {
                        Transfer(block, Copy(input));
                    }
                }
            }

            return new FlagValueAnalysis(values, converged);
        }

        protected override FlagValue ReadVariable(ISymbol variable, IOperation reference)
        {
            if (_escaped.Contains(variable) || variable is ILocalSymbol { IsRef: true })
            {
                return FlagValue.Unknown(FlagOriginKind.Variable, $"variable '{variable.Name}'", variable.Locations.FirstOrNone());
            }

            if (_state.TryGetValue(variable, out var value))
            {
                return value;
            }

            // A declared local read before any write reaches it: only in code that does not compile.
            return Initial(variable) ?? FlagValue.Invalid;
        }

        protected override void WriteVariable(ISymbol variable, FlagValue value)
        {
            if (!_escaped.Contains(variable))
            {
                _state[variable] = value;
            }
        }

        protected override FlagValue ReadCapture(CaptureId id, IOperation reference)
            => _state.TryGetValue(id, out var value) ? value : FlagValue.Invalid;

        protected override void WriteCapture(CaptureId id, FlagValue value) => _state[id] = value;

        protected override void Record(IOperation operation, FlagValue value)
        {
            if (_recorded is not null)
            {
                _recorded[operation] = value;
            }
        }

        private Dictionary<object, FlagValue> Transfer(BasicBlock block, Dictionary<object, FlagValue> state)
        {
            _state = state;
            var throughout = IsInTry(block) ? Copy(state) : null;
            foreach (var operation in block.Operations)
            {
                Visit(operation);
                throughout = Join(throughout, throughout is null ? null : state);
            }

            _throughout[block.Ordinal] = throughout;

            if (block.BranchValue is { } branchValue)
            {
                Visit(branchValue);
            }

            return state;
        }

        /// <summary>The state on entry to <paramref name="block"/>: the join of what its predecessors computed so far.</summary>
        private Dictionary<object, FlagValue>? Input(BasicBlock block, Dictionary<object, FlagValue>?[] inputs, Dictionary<object, FlagValue>?[] outputs)
        {
            if (block.Kind == BasicBlockKind.Entry)
            {
                return NewState();
            }

            Dictionary<object, FlagValue>? joined = null;
            foreach (var branch in block.Predecessors)
            {
                if (outputs[branch.Source.Ordinal] is not { } sourceState)
                {
                    continue;
                }

                joined = Join(joined, sourceState);

                // A branch that runs finally blocks on its way: what they assign may arrive too.
                foreach (var region in branch.FinallyRegions)
                {
                    for (var i = region.FirstBlockOrdinal; i <= region.LastBlockOrdinal; i++)
                    {
                        joined = Join(joined, outputs[i]);
                    }
                }
            }

            if (block.Predecessors.IsEmpty && TryRegionOfHandler(block) is { } tryRegion)
            {
                // Exceptions are not edges of the graph: a catch, filter or finally may start from any
                // state inside its try block.
                for (var i = tryRegion.FirstBlockOrdinal; i <= tryRegion.LastBlockOrdinal; i++)
                {
                    joined = Join(joined, _throughout[i] ?? inputs[i]);
                    joined = Join(joined, outputs[i]);
                }
            }

            return joined;
        }

        private static bool IsInTry(BasicBlock block)
        {
            for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
            {
                if (region.Kind == ControlFlowRegionKind.Try)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The try block guarded by the handler (catch, filter or finally) that starts at <paramref name="block"/>.</summary>
        private static ControlFlowRegion? TryRegionOfHandler(BasicBlock block)
        {
            for (var region = block.EnclosingRegion; region is not null && region.FirstBlockOrdinal == block.Ordinal; region = region.EnclosingRegion)
            {
                if (region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.Filter
                    or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Finally)
                {
                    var parent = region.EnclosingRegion;
                    while (parent is { Kind: ControlFlowRegionKind.FilterAndHandler })
                    {
                        parent = parent.EnclosingRegion;
                    }

                    return parent is { Kind: ControlFlowRegionKind.TryAndCatch or ControlFlowRegionKind.TryAndFinally }
                        && parent.NestedRegions.Length > 0 && parent.NestedRegions[0].Kind == ControlFlowRegionKind.Try
                        ? parent.NestedRegions[0]
                        : null;
                }
            }

            return null;
        }

        /// <summary>Joins <paramref name="other"/> into <paramref name="state"/> (null means "no path yet").</summary>
        private Dictionary<object, FlagValue>? Join(Dictionary<object, FlagValue>? state, Dictionary<object, FlagValue>? other)
        {
            if (other is null)
            {
                return state;
            }

            if (state is null)
            {
                return Copy(other);
            }

            foreach (var pair in other)
            {
                if (state.TryGetValue(pair.Key, out var existing))
                {
                    state[pair.Key] = existing.Join(pair.Value);
                }
                else
                {
                    // Missing on the other paths: a parameter still has its incoming value there; a local
                    // or capture has not been written on those paths and cannot be read after the join.
                    state[pair.Key] = Initial(pair.Key) is { } initial ? pair.Value.Join(initial) : pair.Value;
                }
            }

            List<object>? onlyHere = null;
            foreach (var key in state.Keys)
            {
                if (!other.ContainsKey(key) && Initial(key) is not null)
                {
                    (onlyHere ??= new List<object>()).Add(key);
                }
            }

            if (onlyHere is not null)
            {
                foreach (var key in onlyHere)
                {
                    state[key] = state[key].Join(Initial(key)!.Value);
                }
            }

            return state;
        }

        /// <summary>The value a variable has on entry to the graph, or null for locals declared in it (and captures).</summary>
        private FlagValue? Initial(object key)
            => key switch
            {
                IParameterSymbol parameter => UnknownParameter(parameter),
                ILocalSymbol local when !_declared.Contains(local)
                    => FlagValue.Unknown(FlagOriginKind.Variable, $"captured variable '{local.Name}'", local.Locations.FirstOrNone()),
                _ => null,
            };

        private void CollectDeclared(ControlFlowRegion region)
        {
            foreach (var local in region.Locals)
            {
                _declared.Add(local);
            }

            foreach (var nested in region.NestedRegions)
            {
                CollectDeclared(nested);
            }
        }

        /// <summary>Variables whose value cannot be followed: aliased by ref, or written by a lambda or local function.</summary>
        private void CollectEscaped()
        {
            foreach (var block in _cfg.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    CollectRefAliases(operation);
                }

                if (block.BranchValue is { } branchValue)
                {
                    CollectRefAliases(branchValue);
                }
            }

            foreach (var nested in _cfg.OriginalOperation.Descendants())
            {
                if (nested is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    continue;
                }

                foreach (var operation in nested.Descendants())
                {
                    var target = operation switch
                    {
                        IAssignmentOperation assignment => assignment.Target,
                        IIncrementOrDecrementOperation increment => increment.Target,
                        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                        _ => null,
                    };
                    AddReferencedVariables(target);
                }
            }
        }

        private void CollectRefAliases(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ISimpleAssignmentOperation { IsRef: true } alias:
                        AddReferencedVariables(alias.Target);
                        AddReferencedVariables(alias.Value);
                        break;
                    case IAddressOfOperation addressOf:
                        AddReferencedVariables(addressOf.Reference);
                        break;
                }
            }
        }

        private void AddReferencedVariables(IOperation? operation)
        {
            if (operation is null)
            {
                return;
            }

            foreach (var reference in operation.DescendantsAndSelf())
            {
                switch (reference)
                {
                    case ILocalReferenceOperation local:
                        _escaped.Add(local.Local);
                        break;
                    case IParameterReferenceOperation parameter:
                        _escaped.Add(parameter.Parameter);
                        break;
                }
            }
        }

        private static Dictionary<object, FlagValue> NewState() => new(KeyComparer.Instance);

        private static Dictionary<object, FlagValue> Copy(Dictionary<object, FlagValue> state) => new(state, KeyComparer.Instance);

        private static bool SameState(Dictionary<object, FlagValue> a, Dictionary<object, FlagValue> b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }

            foreach (var pair in a)
            {
                if (!b.TryGetValue(pair.Key, out var other) || !other.Equals(pair.Value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>State keys: symbols (compared as symbols) and flow-capture ids.</summary>
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y)
            => x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : object.Equals(x, y);

        public int GetHashCode(object obj) => obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
    }
}

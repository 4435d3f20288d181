// Flag values through a method's control-flow graph.
//
//   var flags = FlagValueAnalysis.GetOrCreate(cfg, symbols, ct);   // cached per graph, shared by analyzers
//   FlagValue v = flags.GetValue(argument.Value);                     // the value of a Gfp argument of that graph
//
// A forward data-flow analysis over the blocks of a Microsoft.CodeAnalysis ControlFlowGraph: the state
// maps locals, parameters and flow captures to FlagValues; joins take must = intersection, may = union;
// loops iterate to a fixpoint. The state is kept per set of paths that agree on the bool locals and
// parameters the method branches on (at most MaxPaths sets), so correlated conditions stay apart:
//   var flags = c ? Gfp.Kernel : Gfp.Atomic;  if (!c) { using (rcu.ReadLock()) a.AllocPage(flags); }
// GetValueWhere(op, known) joins only the paths compatible with what the caller knows about those bools
// (the atomic-context rules pass the conditions of the paths that hold the RCU read lock). Parameters start as unknown sources ("parameter 'gfp'"); variables
// captured from an enclosing method, or aliased by ref or written by a lambda, are unknown wherever read.
// Operations of nested lambdas and local functions are not in the graph: analyse their own graphs
// (cfg.GetAnonymousFunctionControlFlowGraph / GetLocalFunctionControlFlowGraph).
// Operations that are not in the graph, unreachable, or did not bind get a value with HasErrors set; so does any
// operation other than the value of an argument to a Gfp parameter (only those are kept: the rules ask for nothing else).
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Operations;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>The values of the <c>Gfp</c> arguments (of allocations and of calls) of one control-flow graph.</summary>
internal sealed class FlagValueAnalysis
{
    /// <summary>Rounds over the blocks before giving up (and staying silent): far above what real methods need.</summary>
    private const int MaxRounds = 64;

    private static readonly ConditionalWeakTable<ControlFlowGraph, FlagValueAnalysis> Cache = new();

    /// <summary>Sets of paths kept apart at one program point; beyond it, conditions are forgotten.</summary>
    private const int MaxPaths = 8;

    /// <summary>At most this many bool conditions are followed (one bit each).</summary>
    private const int MaxConditions = 16;

    private readonly Dictionary<IOperation, List<PathValue>> _values;
    private readonly ISymbol[] _conditions;
    private readonly bool _converged;

    private FlagValueAnalysis(Dictionary<IOperation, List<PathValue>> values, ISymbol[] conditions, bool converged)
    {
        _values = values;
        _conditions = conditions;
        _converged = converged;
    }

    /// <summary>Analyses <paramref name="cfg"/>.</summary>
    public static FlagValueAnalysis Create(ControlFlowGraph cfg, RuntimeSymbols symbols, CancellationToken cancellationToken)
        => new Solver(cfg, symbols, cancellationToken).Solve();

    /// <summary>The analysis of <paramref name="cfg"/>, computed once and shared by every analyzer that asks.</summary>
    public static FlagValueAnalysis GetOrCreate(ControlFlowGraph cfg, RuntimeSymbols symbols, CancellationToken cancellationToken)
        => Cache.TryGetValue(cfg, out var analysis) ? analysis : Cache.GetValue(cfg, graph => Create(graph, symbols, cancellationToken)); // no closure on a hit

    /// <summary>The value of <paramref name="flagsExpression"/>, a Gfp argument's value in the analysed graph, on any path.</summary>
    public FlagValue GetValue(IOperation flagsExpression)
        => TryGetValueWhere(flagsExpression, static _ => null, out var value) ? value : FlagValue.Invalid;

    /// <summary>
    /// True when <paramref name="predicate"/> holds for the value on at least one of the sets of paths kept apart
    /// at <paramref name="flagsExpression"/> (false when the analysis gave up: rules then stay silent).
    /// </summary>
    public bool AnyPath(IOperation flagsExpression, System.Func<FlagValue, bool> predicate)
    {
        if (!_converged)
        {
            return false;
        }

        if (!_values.TryGetValue(flagsExpression, out var paths))
        {
            return flagsExpression is IArgumentOperation argument && AnyPath(argument.Value, predicate);
        }

        foreach (var path in paths)
        {
            if (predicate(path.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The value of <paramref name="flagsExpression"/> on the paths compatible with <paramref name="known"/>
    /// (the value a <c>bool</c> local or parameter is known to have, or null). False when no such path reaches it.
    /// </summary>
    public bool TryGetValueWhere(IOperation flagsExpression, System.Func<ISymbol, bool?> known, out FlagValue value)
    {
        value = FlagValue.Invalid;
        if (!_converged)
        {
            return true;
        }

        if (!_values.TryGetValue(flagsExpression, out var paths))
        {
            return flagsExpression is not IArgumentOperation argument || TryGetValueWhere(argument.Value, known, out value);
        }

        uint knownTrue = 0, knownFalse = 0;
        for (var i = 0; i < _conditions.Length; i++)
        {
            switch (known(_conditions[i]))
            {
                case true:
                    knownTrue |= 1u << i;
                    break;
                case false:
                    knownFalse |= 1u << i;
                    break;
            }
        }

        FlagValue? joined = null;
        foreach (var path in paths)
        {
            if ((path.True & knownFalse) == 0 && (path.False & knownTrue) == 0)
            {
                joined = joined is { } soFar ? soFar.Join(path.Value) : path.Value;
            }
        }

        value = joined ?? FlagValue.Invalid;
        return joined is not null;
    }

    /// <summary>A value on the paths where the conditions in <see cref="True"/> hold and those in <see cref="False"/> do not.</summary>
    private readonly struct PathValue
    {
        public PathValue(uint whenTrue, uint whenFalse, FlagValue value)
        {
            True = whenTrue;
            False = whenFalse;
            Value = value;
        }

        public uint True { get; }

        public uint False { get; }

        public FlagValue Value { get; }
    }

    /// <summary>
    /// The variables on a set of paths that agree on the tracked conditions. A path made from another one (along a branch)
    /// shares its map until it first writes: a block that writes no variable (a bare condition, a call) copies nothing.
    /// A map, once a block's output or input is stored, is never written again: only a path that owns it writes it.
    /// </summary>
    private sealed class Path
    {
        private Dictionary<object, FlagValue> _variables;

        /// <summary>True while <see cref="_variables"/> belongs to another path too (copy before writing).</summary>
        private bool _shared;

        public Path(uint whenTrue, uint whenFalse, Dictionary<object, FlagValue> variables, bool shared = false)
        {
            True = whenTrue;
            False = whenFalse;
            _variables = variables;
            _shared = shared;
        }

        public uint True { get; set; }

        public uint False { get; set; }

        /// <summary>The values, to read.</summary>
        public Dictionary<object, FlagValue> Variables => _variables;

        /// <summary>The values, to write: this path's own map (copied from the shared one on the first write).</summary>
        public Dictionary<object, FlagValue> Writable
        {
            get
            {
                if (_shared)
                {
                    _variables = new Dictionary<object, FlagValue>(_variables, KeyComparer.Instance);
                    _shared = false;
                }

                return _variables;
            }
        }

        /// <summary>A path with the same values (shared until either writes: only this new one may).</summary>
        public Path Share(uint whenTrue, uint whenFalse) => new(whenTrue, whenFalse, _variables, shared: true);
    }

    private sealed class Solver : FlagEvaluator
    {
        private readonly ControlFlowGraph _cfg;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<ISymbol> _declared = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _escaped = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, int> _conditionIndex = new(SymbolEqualityComparer.Default);
        private readonly List<ISymbol> _conditions = new();
        private readonly Dictionary<ISymbol, FlagValue> _initial = new(SymbolEqualityComparer.Default);
        /// <summary>The stack of the walks that collect escaped variables, kept per thread between graphs (no growth, no garbage).</summary>
        [System.ThreadStatic]
        private static OperationStack? s_spareWalk;

        /// <summary>Whether the graph has a finally region (else no branch runs one: their regions need not be asked for).</summary>
        private bool _hasFinally;
        private Path _path = new(0, 0, NewState());

        /// <summary>Per block: the values of its flags arguments, on each set of paths, from its latest transfer.</summary>
        private List<(IOperation, PathValue)>?[] _recordedByBlock = System.Array.Empty<List<(IOperation, PathValue)>?>();

        /// <summary>The block being transferred (-1 outside <see cref="Transfer"/>: conditions refined along edges are not recorded).</summary>
        private int _transferring = -1;

        /// <summary>Per block inside a try: the join of every state the block passes through (what a handler may see).</summary>
        private Dictionary<object, FlagValue>?[] _throughout = System.Array.Empty<Dictionary<object, FlagValue>?>();

        public Solver(ControlFlowGraph cfg, RuntimeSymbols symbols, CancellationToken cancellationToken)
            : base(symbols)
        {
            _cfg = cfg;
            _cancellationToken = cancellationToken;
            CollectDeclared(cfg.Root);
            CollectEscaped();
            CollectConditions();
        }

        public FlagValueAnalysis Solve()
        {
            var blocks = _cfg.Blocks;
            var inTry = new bool[blocks.Length];
            foreach (var block in blocks)
            {
                inTry[block.Ordinal] = IsInTry(block);
            }

            // Only blocks inside a try keep their input: a handler starts from any state of its try block.
            var inputs = new List<Path>?[blocks.Length];
            var outputs = new List<Path>?[blocks.Length];
            _throughout = new Dictionary<object, FlagValue>?[blocks.Length];
            _recordedByBlock = new List<(IOperation, PathValue)>?[blocks.Length];
            var readers = InputReaders(blocks, _hasFinally);

            // Rounds over the blocks in order, as a plain round-robin iteration would run them, but a block is
            // transferred again only when something its input reads has changed since: the same states, computed once
            // for straight-line code instead of once per round.
            var dirty = new bool[blocks.Length];
            for (var i = 0; i < dirty.Length; i++)
            {
                dirty[i] = true;
            }

            var converged = false;
            for (var round = 0; round < MaxRounds && !converged; round++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                converged = true;
                foreach (var block in blocks)
                {
                    var ordinal = block.Ordinal;
                    if (!dirty[ordinal])
                    {
                        continue;
                    }

                    dirty[ordinal] = false;
                    var input = Input(block, inputs, outputs);
                    if (input is null)
                    {
                        continue;
                    }

                    if (inTry[ordinal])
                    {
                        inputs[ordinal] = input;
                        input = Copy(input);
                    }

                    var output = Transfer(block, input);
                    if (readers.WhenRun[ordinal] is { } handlers)
                    {
                        MarkDirty(dirty, handlers);
                    }

                    if (outputs[ordinal] is not { } previous || !SamePaths(previous, output))
                    {
                        outputs[ordinal] = output;
                        converged = false;
                        MarkSuccessorsDirty(dirty, block);
                        if (readers.WhenChanged[ordinal] is { } targets)
                        {
                            MarkDirty(dirty, targets);
                        }
                    }
                }
            }

            // An expression nested past the evaluator's bound hid its writes: nothing here can be trusted.
            converged &= !DepthLimitReached;
            var values = new Dictionary<IOperation, List<PathValue>>(OperationIdentityComparer.Instance);
            if (converged)
            {
                // Each block's last transfer ran from its final input: what it recorded is the value on those paths.
                foreach (var recorded in _recordedByBlock)
                {
                    if (recorded is null)
                    {
                        continue;
                    }

                    foreach (var (operation, value) in recorded)
                    {
                        if (!values.TryGetValue(operation, out var paths))
                        {
                            values[operation] = paths = new List<PathValue>(1);
                        }

                        paths.Add(value);
                    }
                }
            }

            Release();
            return new FlagValueAnalysis(values, _conditions.ToArray(), converged);
        }

        private static void MarkSuccessorsDirty(bool[] dirty, BasicBlock block)
        {
            if (block.FallThroughSuccessor?.Destination is { } next)
            {
                dirty[next.Ordinal] = true;
            }

            if (block.ConditionalSuccessor?.Destination is { } conditional)
            {
                dirty[conditional.Ordinal] = true;
            }
        }

        private static void MarkDirty(bool[] dirty, List<int> blocks)
        {
            foreach (var ordinal in blocks)
            {
                dirty[ordinal] = true;
            }
        }

        /// <summary>
        /// Who reads a block's state besides its successors (see <see cref="Input"/>): the destinations of branches
        /// that run a finally holding the block read its output; a handler reads the input, output and throughout
        /// state of every block of its try, so it runs again whenever one of them runs.
        /// </summary>
        private static (List<int>?[] WhenChanged, List<int>?[] WhenRun) InputReaders(System.Collections.Immutable.ImmutableArray<BasicBlock> blocks, bool hasFinally)
        {
            var whenChanged = new List<int>?[blocks.Length];
            var whenRun = new List<int>?[blocks.Length];
            foreach (var block in blocks)
            {
                foreach (var branch in hasFinally ? block.Predecessors : System.Collections.Immutable.ImmutableArray<ControlFlowBranch>.Empty)
                {
                    foreach (var region in branch.FinallyRegions)
                    {
                        for (var i = region.FirstBlockOrdinal; i <= region.LastBlockOrdinal; i++)
                        {
                            (whenChanged[i] ??= new List<int>()).Add(block.Ordinal);
                        }
                    }
                }


                if (block.Predecessors.IsEmpty && TryRegionOfHandler(block) is { } tryRegion)
                {
                    for (var i = tryRegion.FirstBlockOrdinal; i <= tryRegion.LastBlockOrdinal; i++)
                    {
                        (whenRun[i] ??= new List<int>()).Add(block.Ordinal);
                    }
                }
            }

            return (whenChanged, whenRun);
        }

        protected override FlagValue ReadVariable(ISymbol variable, IOperation reference)
        {
            if (_escaped.Contains(variable) || variable is ILocalSymbol { IsRef: true })
            {
                return FlagValue.Unknown(FlagOriginKind.Variable, $"variable '{variable.Name}'", variable.Locations.FirstOrNone());
            }

            if (_path.Variables.TryGetValue(variable, out var value))
            {
                return value;
            }

            // A declared local read before any write reaches it: only in code that does not compile.
            return Initial(variable) ?? FlagValue.Invalid;
        }

        protected override void WriteVariable(ISymbol variable, FlagValue value, IOperation? valueOperation)
        {
            if (_conditionIndex.TryGetValue(variable, out var index))
            {
                // A tracked condition changes: what the paths knew about it no longer holds.
                var bit = 1u << index;
                _path.True &= ~bit;
                _path.False &= ~bit;
                if (valueOperation?.ConstantValue is { HasValue: true, Value: bool constant })
                {
                    if (constant)
                    {
                        _path.True |= bit;
                    }
                    else
                    {
                        _path.False |= bit;
                    }
                }
            }

            if (!_escaped.Contains(variable) && IsTracked(VariableType(variable)))
            {
                _path.Writable[variable] = value;
            }
        }

        protected override FlagValue ReadCapture(CaptureId id, IOperation reference)
            => _path.Variables.TryGetValue(id, out var value) ? value : FlagValue.Invalid;

        protected override void WriteCapture(CaptureId id, FlagValue value) => _path.Writable[id] = value;

        protected override void Record(IOperation operation, FlagValue value)
        {
            // Rules ask only for the values of flags arguments (of allocations and of calls): keep only those.
            if (_transferring < 0 || operation.Parent is not { Kind: OperationKind.Argument } || operation.Parent is not IArgumentOperation { Parameter: { } parameter } || !Symbols.IsGfp(parameter.Type))
            {
                return;
            }

            (_recordedByBlock[_transferring] ??= new List<(IOperation, PathValue)>()).Add((operation, new PathValue(_path.True, _path.False, value)));
        }

        private static ITypeSymbol? VariableType(ISymbol variable) => variable switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };

        private List<Path> Transfer(BasicBlock block, List<Path> paths)
        {
            var throughout = IsInTry(block) ? Collapse(paths) : null;
            _transferring = block.Ordinal;
            _recordedByBlock[block.Ordinal]?.Clear();
            foreach (var path in paths)
            {
                _path = path;
                foreach (var operation in block.Operations)
                {
                    Visit(operation);
                    if (throughout is not null)
                    {
                        Join(throughout, path.Variables);
                    }
                }

                if (block.BranchValue is { } branchValue)
                {
                    Visit(branchValue);
                }
            }

            _transferring = -1;
            _throughout[block.Ordinal] = throughout;
            return Normalize(paths);
        }

        /// <summary>The paths on entry to <paramref name="block"/>: what its predecessors computed so far, per edge.</summary>
        private List<Path>? Input(BasicBlock block, List<Path>?[] inputs, List<Path>?[] outputs)
        {
            if (block.Kind == BasicBlockKind.Entry)
            {
                return new List<Path> { new(0, 0, NewState()) };
            }

            if (!block.IsReachable)
            {
                // Dead code (a constant-false condition) writes nothing that reaches live code.
                return null;
            }

            List<Path>? joined = null;
            foreach (var branch in block.Predecessors)
            {
                if (outputs[branch.Source.Ordinal] is not { } sourcePaths)
                {
                    continue;
                }

                // A branch that runs finally blocks on its way: what they assign may arrive too.
                Dictionary<object, FlagValue>? finallyState = null;
                foreach (var region in _hasFinally ? branch.FinallyRegions : System.Collections.Immutable.ImmutableArray<ControlFlowRegion>.Empty)
                {
                    for (var i = region.FirstBlockOrdinal; i <= region.LastBlockOrdinal; i++)
                    {
                        if (outputs[i] is { } finallyPaths)
                        {
                            finallyState = finallyState is null ? Collapse(finallyPaths) : Join(finallyState, Collapse(finallyPaths));
                        }
                    }
                }

                var first = joined?.Count ?? 0;
                AlongBranch(branch, sourcePaths, ref joined);
                for (var i = first; i < (joined?.Count ?? 0); i++)
                {
                    var path = joined![i];
                    if (finallyState is not null)
                    {
                        Join(path.Writable, finallyState);
                    }

                    ForgetLeftRegions(branch, path);
                }
            }

            if (block.Predecessors.IsEmpty && TryRegionOfHandler(block) is { } tryRegion)
            {
                // Exceptions are not edges of the graph: a catch, filter or finally may start from any
                // state inside its try block, on any path.
                Dictionary<object, FlagValue>? state = null;
                for (var i = tryRegion.FirstBlockOrdinal; i <= tryRegion.LastBlockOrdinal; i++)
                {
                    foreach (var source in new[] { _throughout[i], inputs[i] is { } input ? Collapse(input) : null, outputs[i] is { } output ? Collapse(output) : null })
                    {
                        if (source is not null)
                        {
                            state = state is null ? Copy(source) : Join(state, source);
                        }
                    }
                }

                if (state is not null)
                {
                    (joined ??= new List<Path>()).Add(new Path(0, 0, state));
                }
            }

            return joined is null ? null : Normalize(joined);
        }

        /// <summary>
        /// The locals and flow captures of the regions a branch leaves are dead past it: dropping them keeps each
        /// path's map to what is live, so a long method does not copy, join and compare every value it ever wrote
        /// on every edge (which made the state, and the time, quadratic in the method's length).
        /// </summary>
        private static void ForgetLeftRegions(ControlFlowBranch branch, Path path)
        {
            foreach (var region in branch.LeavingRegions)
            {
                foreach (var local in region.Locals)
                {
                    if (path.Variables.ContainsKey(local))
                    {
                        path.Writable.Remove(local);
                    }
                }

                foreach (var capture in region.CaptureIds)
                {
                    if (path.Variables.ContainsKey(capture))
                    {
                        path.Writable.Remove(capture);
                    }
                }
            }
        }

        /// <summary>
        /// The source's paths that can take <paramref name="branch"/>, knowing the condition's value on it: a tracked
        /// bool, or a test of flag bits (<c>gfp.AllowsBlocking()</c>, <c>(gfp &amp; X) != 0</c>, <c>gfp.HasFlag(X)</c>)
        /// that refines the tested variable. Paths on which the condition cannot have that value are dropped. Each
        /// path that can take it is added, as a copy, to <paramref name="paths"/> (created when first needed).
        /// </summary>
        private void AlongBranch(ControlFlowBranch branch, List<Path> sourcePaths, ref List<Path>? paths)
        {
            var source = branch.Source;
            var index = -1;
            var value = false;
            BitTest? test = null;
            if (source.ConditionKind != ControlFlowConditionKind.None && source.BranchValue is { } condition)
            {
                // The conditional successor is taken when the branch value equals the condition kind.
                var branchValueOnThisEdge = ReferenceEquals(branch, source.ConditionalSuccessor)
                    ? source.ConditionKind == ControlFlowConditionKind.WhenTrue
                    : source.ConditionKind != ControlFlowConditionKind.WhenTrue;
                if (GraphScan.ConditionSymbol(condition, out var negated) is { } symbol && _conditionIndex.TryGetValue(symbol, out var conditionIndex))
                {
                    index = conditionIndex;
                    value = branchValueOnThisEdge != negated;
                }
                else if (BitTest.Recognize(condition, Symbols) is { } recognized && !_escaped.Contains(recognized.Variable))
                {
                    test = recognized;
                    value = branchValueOnThisEdge != recognized.Negated;
                }
            }

            foreach (var path in sourcePaths)
            {
                if (index >= 0)
                {
                    var bit = 1u << index;
                    if (((value ? path.False : path.True) & bit) != 0)
                    {
                        continue; // this path knows the condition has the other value
                    }

                    (paths ??= new List<Path>()).Add(value
                        ? path.Share(path.True | bit, path.False)
                        : path.Share(path.True, path.False | bit));
                    continue;
                }

                var copy = path.Share(path.True, path.False);
                if (test is { } bitTest && !Refine(copy, bitTest, value))
                {
                    continue;
                }

                (paths ??= new List<Path>()).Add(copy);
            }
        }

        /// <summary>Narrows the tested variable on a path; false when the test cannot have <paramref name="outcome"/> there.</summary>
        private bool Refine(Path path, BitTest test, bool outcome)
        {
            var current = path.Variables.TryGetValue(test.Variable, out var known) ? known : Initial(test.Variable);
            if (current is not { HasErrors: false } before)
            {
                return true;
            }

            if (test.Exact is { } exact)
            {
                var possible = (before.Must & ~test.Bits) == 0 && (test.Bits & ~before.May) == 0;
                if (outcome)
                {
                    if (!possible)
                    {
                        return false;
                    }

                    // The caller's flags are now a known constant: rules name it as such ("from Gfp.Atomic").
                    path.Writable[test.Variable] = Visit(exact);
                    return true;
                }

                // Not equal to X: only a value that is exactly X is contradicted.
                return !(before.Must == test.Bits && before.May == test.Bits);
            }

            var single = (test.Bits & (test.Bits - 1)) == 0;
            FlagValue after;
            if (outcome == test.All || single)
            {
                // All of the bits (or the one bit) are set, or none of them are.
                if (outcome ? (before.May & test.Bits) != test.Bits : (before.Must & test.Bits) != 0)
                {
                    return false;
                }

                after = outcome ? before.AssumeSet(test.Bits) : before.AssumeClear(test.Bits);
            }
            else
            {
                // "Some bit set" or "not all set" over several bits: only contradictions are certain.
                if (outcome ? (before.May & test.Bits) == 0 : (before.Must & test.Bits) == test.Bits)
                {
                    return false;
                }

                after = before;
            }

            path.Writable[test.Variable] = after;
            return true;
        }

        /// <summary>Merges paths that agree on every condition; beyond <see cref="MaxPaths"/>, forgets conditions.</summary>
        private List<Path> Normalize(List<Path> paths)
        {
            var merged = Merge(paths);
            for (var forget = _conditions.Count - 1; merged.Count > MaxPaths && forget >= 0; forget--)
            {
                var keep = ~(1u << forget);
                foreach (var path in merged)
                {
                    path.True &= keep;
                    path.False &= keep;
                }

                merged = Merge(merged);
            }

            return merged;
        }

        /// <summary>The paths with those that agree on every condition joined into one; the list itself when all differ (the common case).</summary>
        private List<Path> Merge(List<Path> paths)
        {
            if (AllDistinct(paths))
            {
                return paths;
            }

            var merged = new List<Path>(paths.Count);
            foreach (var path in paths)
            {
                var existing = WithConditions(merged, path.True, path.False);
                if (existing is null)
                {
                    merged.Add(path);
                }
                else
                {
                    Join(existing.Writable, path.Variables);
                }
            }

            return merged;
        }

        private static bool AllDistinct(List<Path> paths)
        {
            for (var i = 1; i < paths.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (paths[i].True == paths[j].True && paths[i].False == paths[j].False)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private Dictionary<object, FlagValue> Collapse(List<Path> paths)
        {
            var state = Copy(paths[0].Variables);
            for (var i = 1; i < paths.Count; i++)
            {
                Join(state, paths[i].Variables);
            }

            return state;
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

        /// <summary>Joins <paramref name="other"/> into <paramref name="state"/> and returns it.</summary>
        private Dictionary<object, FlagValue> Join(Dictionary<object, FlagValue> state, Dictionary<object, FlagValue> other)
        {
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

        /// <summary>
        /// The value a variable has on entry to the graph, or null for locals declared in it (and captures); made once
        /// per variable (joins and reads ask for it again and again).
        /// </summary>
        private FlagValue? Initial(object key)
        {
            if (key is not (IParameterSymbol or ILocalSymbol) || (key is ILocalSymbol declared && _declared.Contains(declared)))
            {
                return null;
            }

            var variable = (ISymbol)key;
            if (!_initial.TryGetValue(variable, out var value))
            {
                value = variable is IParameterSymbol parameter
                    ? UnknownParameter(parameter)
                    : FlagValue.Unknown(FlagOriginKind.Variable, $"captured variable '{variable.Name}'", variable.Locations.FirstOrNone());
                _initial.Add(variable, value);
            }

            return value;
        }

        private void CollectDeclared(ControlFlowRegion region)
        {
            _hasFinally |= region.Kind == ControlFlowRegionKind.Finally;
            foreach (var local in region.Locals)
            {
                _declared.Add(local);
            }

            foreach (var nested in region.NestedRegions)
            {
                CollectDeclared(nested);
            }
        }

        /// <summary>The bool locals and parameters the graph branches on, whose values paths keep apart.</summary>
        private void CollectConditions()
        {
            foreach (var block in _cfg.Blocks)
            {
                if (block.ConditionKind == ControlFlowConditionKind.None
                    || GraphScan.ConditionSymbol(block.BranchValue, out _) is not { } symbol
                    || _escaped.Contains(symbol)
                    || _conditionIndex.ContainsKey(symbol)
                    || _conditions.Count == MaxConditions)
                {
                    continue;
                }

                var followable = symbol switch
                {
                    ILocalSymbol local => !local.IsRef && _declared.Contains(local),
                    IParameterSymbol parameter => parameter.RefKind == RefKind.None,
                    _ => false,
                };
                if (followable)
                {
                    _conditionIndex.Add(symbol, _conditions.Count);
                    _conditions.Add(symbol);
                }
            }
        }

        /// <summary>Variables whose value cannot be followed: aliased by ref, or written by a lambda or local function.</summary>
        private void CollectEscaped()
        {
            // Taken, not shared: a solver started inside this one (none today) would get a stack of its own.
            var walk = s_spareWalk ?? new OperationStack();
            s_spareWalk = null;
            foreach (var block in _cfg.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    CollectRefAliases(walk, operation);
                }

                if (block.BranchValue is { } branchValue)
                {
                    CollectRefAliases(walk, branchValue);
                }
            }

            // What the lambdas and local functions nested anywhere in the original tree write, in one walk: the flag says
            // that an operation is inside one. The graph's own root (a lambda's or local function's graph starts at it)
            // is not nested in itself.
            foreach (var child in _cfg.OriginalOperation.ChildOperations)
            {
                walk.Push(child, false);
            }

            while (walk.Count > 0)
            {
                var (operation, inFunction) = walk.Pop();
                var childrenInFunction = inFunction || operation.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction;
                foreach (var child in operation.ChildOperations)
                {
                    walk.Push(child, childrenInFunction);
                }

                if (inFunction)
                {
                    AddReferencedVariables(WrittenBy(operation));
                }
            }

            s_spareWalk = walk;
        }

        /// <summary>What <paramref name="operation"/> writes: an assignment's or increment's target, a ref or out argument.</summary>
        private static IOperation? WrittenBy(IOperation operation)
        {
            switch (operation.Kind)
            {
                // The kinds of IAssignmentOperation, IIncrementOrDecrementOperation and IArgumentOperation: the type tests below
                // (interface casts) only for them.
                case OperationKind.SimpleAssignment:
                case OperationKind.CompoundAssignment:
                case OperationKind.CoalesceAssignment:
                case OperationKind.DeconstructionAssignment:
                case OperationKind.Increment:
                case OperationKind.Decrement:
                case OperationKind.Argument:
                    return operation switch
                    {
                        IAssignmentOperation assignment => assignment.Target,
                        IIncrementOrDecrementOperation increment => increment.Target,
                        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        private void CollectRefAliases(OperationStack walk, IOperation root)
        {
            walk.Push(root);
            while (walk.Count > 0)
            {
                var (operation, _) = walk.Pop();
                foreach (var child in operation.ChildOperations)
                {
                    walk.Push(child);
                }

                if (operation.Kind is not (OperationKind.SimpleAssignment or OperationKind.AddressOf or OperationKind.Argument))
                {
                    // The kinds of the operations below: the type tests (interface casts) only for them.
                    continue;
                }

                switch (operation)
                {
                    case ISimpleAssignmentOperation { IsRef: true } alias:
                        AddReferencedVariables(alias.Target);
                        AddReferencedVariables(alias.Value);
                        break;
                    case IAddressOfOperation addressOf:
                        AddReferencedVariables(addressOf.Reference);
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                        // Its value is then the callee's (handled at the call), but no branch may trust it as a condition.
                        foreach (var reference in argument.Value.DescendantsAndSelf())
                        {
                            if (reference is ILocalReferenceOperation { Local.Type.SpecialType: SpecialType.System_Boolean } local)
                            {
                                _escaped.Add(local.Local);
                            }
                        }

                        break;
                }
            }
        }

        private void AddReferencedVariables(IOperation? operation)
        {
            switch (operation)
            {
                case null:
                    return;

                // The common target, a variable itself (no children): no enumerator.
                case ILocalReferenceOperation local:
                    _escaped.Add(local.Local);
                    return;
                case IParameterReferenceOperation parameter:
                    _escaped.Add(parameter.Parameter);
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

        private static List<Path> Copy(List<Path> paths)
        {
            var copy = new List<Path>(paths.Count);
            foreach (var path in paths)
            {
                copy.Add(path.Share(path.True, path.False));
            }

            return copy;
        }

        /// <summary>The path of <paramref name="paths"/> that knows exactly these conditions, or null.</summary>
        private static Path? WithConditions(List<Path> paths, uint whenTrue, uint whenFalse)
        {
            foreach (var path in paths)
            {
                if (path.True == whenTrue && path.False == whenFalse)
                {
                    return path;
                }
            }

            return null;
        }

        private static bool SamePaths(List<Path> a, List<Path> b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }

            foreach (var path in a)
            {
                var other = WithConditions(b, path.True, path.False);
                if (other is null || !SameState(path.Variables, other.Variables))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SameState(Dictionary<object, FlagValue> a, Dictionary<object, FlagValue> b)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

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

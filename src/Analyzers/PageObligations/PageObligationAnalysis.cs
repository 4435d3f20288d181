using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Dataflow;
using GfpAnalyzers.Analyzers.Interprocedural;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>A free (or a call to a method that frees) reached by a page that may still be uncleared.</summary>
internal sealed class FreeReport
{
    public FreeReport(IOperation free, string pageText, PageOrigin origin, PageFact fact, string freer)
    {
        Free = free;
        PageText = pageText;
        Origin = origin;
        Fact = fact;
        Freer = freer;
    }

    /// <summary>The invocation that frees the page (in the graph; its syntax is the user's).</summary>
    public IOperation Free { get; }

    public string PageText { get; }

    public PageOrigin Origin { get; }

    public PageFact Fact { get; }

    /// <summary>"FreePage", or "'Release' (which frees it)".</summary>
    public string Freer { get; }
}

/// <summary>The outcome of analyzing one graph.</summary>
internal sealed class PageObligationResult
{
    public PageObligationResult(ImmutableArray<FreeReport> reports, MethodObligationSummary summary, ImmutableArray<ControlFlowGraph> nestedGraphs)
    {
        Reports = reports;
        Summary = summary;
        NestedGraphs = nestedGraphs;
    }

    /// <summary>Frees of pages known to carry no codetag (never of plain parameters).</summary>
    public ImmutableArray<FreeReport> Reports { get; }

    public MethodObligationSummary Summary { get; }

    /// <summary>Lambdas and local functions of this graph, each analyzed on its own.</summary>
    public ImmutableArray<ControlFlowGraph> NestedGraphs { get; }
}

/// <summary>
/// The clear-before-free obligation as a forward dataflow over one control-flow graph. The state maps
/// variables to the pages they may hold and each page to the paths on which it is absent, uncleared or
/// settled. Finally regions are run per entering state; catch handlers and finally blocks also see the state
/// at every call that may throw inside their try. A free reached with an uncleared page is reported.
/// </summary>
internal sealed class PageObligationAnalysis
{
    private readonly ControlFlowGraph _graph;
    private readonly IMethodSymbol _owner;
    private readonly ObligationEnvironment _environment;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<ISymbol> _captured;
    private readonly Dictionary<object, PageOrigin> _origins = new(VariableKeyComparer.Instance);
    private readonly ControlFlowRegion?[] _finallyOf;
    /// <summary>Per block: the first blocks of the catch handlers a call in it may throw to (null: none).</summary>
    private readonly List<int>?[] _catchEntriesOf;
    private readonly ControlFlowRegion?[] _exceptionalFinallyOf;
    private readonly Dictionary<int, ObligationState> _observed = new();
    private readonly Dictionary<int, ObligationState> _handlerEntries = new();
    private readonly HashSet<int> _dirtyHandlers = new();
    private readonly Dictionary<ControlFlowRegion, ObligationState> _exceptionalFinallyEntries = new();
    private readonly List<(ControlFlowRegion Region, ObligationState Entry, ObligationState? Exit)> _finallyMemo = new();
    private readonly List<FreeReport> _reports = new();
    private readonly HashSet<IOperation> _reportedFrees = new();
    private readonly List<ControlFlowGraph> _nested = new();
    private readonly Dictionary<IOperation, ThrowWitness> _throwWitnesses = new();
    private readonly List<(PageValue Value, ObligationState State, bool ThroughFinally)> _returns = new();
    /// <summary>Per edge (block ordinal × 2, + 1 for the conditional successor): the atom taking it proves, once known.</summary>
    private readonly ParameterCondition?[] _edgeAtoms;
    private readonly bool[] _edgeAtomKnown;
    private ulong? _trustedParameters;
    private LiveVariables? _live;
    private readonly List<PageOrigin> _locationOrigins = new();
    private readonly int _budget;
    private Func<IOperation, bool?>? _carriesNoCodetag;
    private Dictionary<ISymbol, int>? _assignmentCounts;
    private BasicBlock? _current;
    private bool _reporting;
    private int _steps;

    private PageObligationAnalysis(ControlFlowGraph graph, IMethodSymbol owner, ObligationEnvironment environment, CancellationToken cancellationToken)
    {
        _graph = graph;
        _owner = owner;
        _environment = environment;
        _cancellationToken = cancellationToken;
        _captured = CapturedVariables(graph.OriginalOperation);
        var count = graph.Blocks.Length;
        _finallyOf = new ControlFlowRegion?[count];
        _catchEntriesOf = new List<int>?[count];
        _exceptionalFinallyOf = new ControlFlowRegion?[count];
        _edgeAtoms = new ParameterCondition?[2 * count];
        _edgeAtomKnown = new bool[2 * count];
        foreach (var block in graph.Blocks)
        {
            ClassifyRegions(block);
        }

        _budget = 500 + (60 * count);
    }

    /// <summary>
    /// Analyzes <paramref name="graph"/>, the body of <paramref name="owner"/>. Returns null when the analysis
    /// gives up (too many iterations), in which case nothing is reported and callers see an opaque summary.
    /// </summary>
    public static PageObligationResult? Run(ControlFlowGraph graph, IMethodSymbol owner, ObligationEnvironment environment, CancellationToken cancellationToken)
    {
        var analysis = new PageObligationAnalysis(graph, owner, environment, cancellationToken);
        try
        {
            return analysis.Run();
        }
        catch (BudgetExceededException)
        {
            return null;
        }
    }

    private PageObligationResult Run()
    {
        var entry = new ObligationState();
        foreach (var parameter in _owner.Parameters)
        {
            if (IsTrackedParameter(parameter))
            {
                var origin = ParameterOrigin(parameter);
                entry.Variables[parameter] = PageValue.Of(origin);
                entry.Facts[origin] = new PageFact(PagePaths.Uncleared, null);
            }
        }

        RunScope(null, 0, entry);

        // Finally blocks on exceptional paths: only their own frees matter (the exception propagates).
        foreach (var pair in _exceptionalFinallyEntries.ToList())
        {
            RunScope(pair.Key, pair.Key.FirstBlockOrdinal, pair.Value.Clone());
        }

        _reporting = true;
        foreach (var ordinal in _observed.Keys.OrderBy(ordinal => ordinal).ToList())
        {
            Transfer(_graph.Blocks[ordinal], _observed[ordinal].Clone());
        }

        foreach (var localFunction in _graph.LocalFunctions)
        {
            _nested.Add(_graph.GetLocalFunctionControlFlowGraph(localFunction, _cancellationToken));
        }

        var reportable = _reports.Where(report => report.Origin.IsReportable).ToImmutableArray();
        return new PageObligationResult(reportable, Summarize(), _nested.ToImmutableArray());
    }

    private MethodObligationSummary Summarize()
    {
        _observed.TryGetValue(_graph.Blocks.Length - 1, out var atExit);
        var effects = ImmutableArray.CreateBuilder<ParameterEffect>(_owner.Parameters.Length);
        foreach (var parameter in _owner.Parameters)
        {
            if (!MayHoldPage(parameter))
            {
                effects.Add(new ParameterEffect(ParameterEffectKind.NotAPage, PagePaths.None));
            }
            else if (!IsTrackedParameter(parameter))
            {
                effects.Add(new ParameterEffect(ParameterEffectKind.Unknown, PagePaths.None));
            }
            else
            {
                var origin = ParameterOrigin(parameter);
                var exit = atExit is null ? new PageFact(PagePaths.None, null) : FactOf(origin, atExit);
                effects.Add(new ParameterEffect(ParameterEffectKind.Known, exit.Paths, FreeConditions(origin), exit.Conditions));
            }
        }

        var returned = Returned(out var returnConditions);
        return new MethodObligationSummary(effects.MoveToImmutable(), returned ?? PagePaths.None, returnsUnknown: returned is null, returnConditions: returnConditions);
    }

    /// <summary>The conditions of each free reached with <paramref name="origin"/> uncleared (distinct, in report order, bounded).</summary>
    private ImmutableArray<ImmutableArray<ParameterCondition>> FreeConditions(PageOrigin origin)
    {
        var result = ImmutableArray.CreateBuilder<ImmutableArray<ParameterCondition>>();
        foreach (var report in _reports)
        {
            if (ReferenceEquals(report.Origin, origin) && result.Count < ConditionFacts.MaxAtoms
                && !result.Any(kept => MethodSummary.SameConditions(kept, report.Fact.Conditions)))
            {
                result.Add(report.Fact.Conditions);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// What the method's callers receive: the paths on which the returned NoCodetag page is uncleared or settled (None:
    /// no return hands out an uncleared one). Null (unknown) when some return may hand out a page of unknown origin (a
    /// parameter, a plain field) or leaves through a finally (which may clear it).
    /// </summary>
    private PagePaths? Returned(out ImmutableArray<ParameterCondition> conditions)
    {
        conditions = ImmutableArray<ParameterCondition>.Empty;
        if (!_environment.ReturnsPage(_owner))
        {
            return null;
        }

        ImmutableArray<ParameterCondition>? unclearedConditions = null;
        var paths = PagePaths.None;
        foreach (var (value, state, throughFinally) in _returns)
        {
            if (throughFinally || value.MayBeOther)
            {
                return null;
            }

            foreach (var origin in value.Origins)
            {
                if (!origin.IsReportable)
                {
                    return null;
                }

                var fact = FactOf(origin, state);
                paths |= fact.Paths & (PagePaths.Uncleared | PagePaths.Settled);
                if (fact.MayBeUncleared)
                {
                    unclearedConditions = unclearedConditions is { } soFar ? ConditionFacts.Intersect(soFar, fact.Conditions) : fact.Conditions;
                }
            }
        }

        conditions = unclearedConditions ?? ImmutableArray<ParameterCondition>.Empty;
        return (paths & PagePaths.Uncleared) != 0 ? paths : PagePaths.None;
    }

    // ---------------------------------------------------------------- fixpoint over regions

    /// <summary>
    /// Runs the blocks whose innermost finally region is <paramref name="scope"/> (null: outside any finally)
    /// to a fixpoint from <paramref name="entryOrdinal"/>. Returns the state leaving the finally region, if any.
    /// </summary>
    private ObligationState? RunScope(ControlFlowRegion? scope, int entryOrdinal, ObligationState entry)
    {
        var inStates = new ObligationState?[_graph.Blocks.Length];
        var work = new BlockQueue(_graph.Blocks.Length);
        ObligationState? exit = null;
        if (Merge(inStates, entryOrdinal, entry))
        {
            work.Add(entryOrdinal);
        }

        while (work.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (++_steps > _budget)
            {
                throw new BudgetExceededException();
            }

            var ordinal = work.PopMin();
            var block = _graph.Blocks[ordinal];
            var state = Transfer(block, inStates[ordinal]!.Clone());
            var (first, second) = Successors(block);
            if (first is not null)
            {
                // The last edge taken gets the block's state itself: nothing reads it afterwards.
                Follow(scope, block, first, state, ownsState: second is null, inStates, work, ref exit);
            }

            if (second is not null)
            {
                Follow(scope, block, second, state, ownsState: true, inStates, work, ref exit);
            }

            if (_dirtyHandlers.Count == 0)
            {
                continue;
            }

            foreach (var handler in _dirtyHandlers.ToList())
            {
                if (_finallyOf[handler] == scope)
                {
                    _dirtyHandlers.Remove(handler);
                    if (Merge(inStates, handler, _handlerEntries[handler].Clone()))
                    {
                        work.Add(handler);
                    }
                }
            }
        }

        return exit;
    }

    /// <summary>
    /// Takes <paramref name="branch"/> out of <paramref name="block"/> with the state the block ends in: through the
    /// finally regions on its way, into its destination in this scope (queued when its entry state grew), or out of
    /// the finally region <paramref name="scope"/> (joined into <paramref name="exit"/>).
    /// </summary>
    private void Follow(
        ControlFlowRegion? scope,
        BasicBlock block,
        ControlFlowBranch branch,
        ObligationState state,
        bool ownsState,
        ObligationState?[] inStates,
        BlockQueue work,
        ref ObligationState? exit)
    {
        var edge = EdgeState(block, branch, state, ownsState);
        if (edge is null)
        {
            // A branch that contradicts what the path proved of a parameter (`if (p == null) ... if (p != null)`).
            return;
        }

        foreach (var region in branch.FinallyRegions)
        {
            edge = RunFinally(region, edge);
            if (edge is null)
            {
                return;
            }
        }

        if (branch.Destination is not { } destination)
        {
            if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling && scope is not null)
            {
                exit = exit is null ? edge : Join(exit, edge);
            }

            return;
        }

        if (_finallyOf[destination.Ordinal] == scope && Merge(inStates, destination.Ordinal, edge))
        {
            work.Add(destination.Ordinal);
        }
    }

    private ObligationState? RunFinally(ControlFlowRegion region, ObligationState entry)
    {
        foreach (var (memoRegion, memoEntry, memoExit) in _finallyMemo)
        {
            if (memoRegion == region && memoEntry.ContentEquals(entry))
            {
                return memoExit?.Clone();
            }
        }

        var exit = RunScope(region, region.FirstBlockOrdinal, entry.Clone());
        _finallyMemo.Add((region, entry, exit));
        return exit?.Clone();
    }

    /// <summary>
    /// The branches a block can take: a condition that is a compile-time constant (<c>if (false)</c>, a
    /// <c>const bool</c> standing for IS_ENABLED(CONFIG_...)) takes one side only, and unreachable blocks are never entered.
    /// </summary>
    private static (ControlFlowBranch? First, ControlFlowBranch? Second) Successors(BasicBlock block)
    {
        var constant = block.ConditionKind != ControlFlowConditionKind.None
                       && block.BranchValue?.ConstantValue is { HasValue: true, Value: bool value }
            ? value
            : (bool?)null;
        var conditionalTaken = constant is not { } known || known == (block.ConditionKind == ControlFlowConditionKind.WhenTrue);
        var conditional = block.ConditionalSuccessor is { } conditionalBranch && conditionalTaken && IsReachable(conditionalBranch)
            ? conditionalBranch
            : null;
        var fallThrough = block.FallThroughSuccessor is { } fallThroughBranch && (constant is null || !conditionalTaken) && IsReachable(fallThroughBranch)
            ? fallThroughBranch
            : null;
        return conditional is null ? (fallThrough, null) : (conditional, fallThrough);
    }

    private static bool IsReachable(ControlFlowBranch branch) => branch.Destination is not { } destination || destination.IsReachable;

    private bool Merge(ObligationState?[] states, int ordinal, ObligationState incoming)
    {
        DropDead(incoming, ordinal);
        _observed[ordinal] = _observed.TryGetValue(ordinal, out var seen) ? Join(seen, incoming) : incoming.Clone();
        if (states[ordinal] is not { } existing)
        {
            states[ordinal] = incoming;
            return true;
        }

        var joined = Join(existing, incoming);
        if (joined.ContentEquals(existing))
        {
            return false;
        }

        states[ordinal] = joined;
        return true;
    }

    /// <summary>
    /// Forgets, at the entry of block <paramref name="ordinal"/>, the locals and captures no later code reads, and then
    /// the facts of pages (allocated or returned here) that no remaining variable holds: nothing can free or clear them
    /// from here on. States then hold what is live, which keeps a method of N pages linear.
    /// </summary>
    private void DropDead(ObligationState state, int ordinal)
    {
        _live ??= LiveVariables.Of(_graph);
        List<object>? dead = null;
        foreach (var key in state.Variables.Keys)
        {
            if (_live.IsDead(key, ordinal))
            {
                (dead ??= new List<object>()).Add(key);
            }
        }

        if (dead is null)
        {
            return;
        }

        foreach (var key in dead)
        {
            state.Variables.Remove(key);
        }

        var held = new HashSet<PageOrigin>();
        foreach (var value in state.Variables.Values)
        {
            foreach (var origin in value.Origins)
            {
                held.Add(origin);
            }
        }

        List<PageOrigin>? unheld = null;
        foreach (var origin in state.Facts.Keys)
        {
            if (!origin.StartsPresent && !held.Contains(origin))
            {
                (unheld ??= new List<PageOrigin>()).Add(origin);
            }
        }

        foreach (var origin in unheld ?? Enumerable.Empty<PageOrigin>())
        {
            state.Facts.Remove(origin);
        }
    }

    private ObligationState Join(ObligationState a, ObligationState b)
    {
        var result = new ObligationState { Path = ConditionFacts.Intersect(a.Path, b.Path) };
        foreach (var pair in a.Variables)
        {
            var right = b.Variables.TryGetValue(pair.Key, out var vb) ? vb : DefaultForJoin(pair.Key);
            result.Variables[pair.Key] = PageValue.Join(pair.Value, right);
        }

        foreach (var pair in b.Variables)
        {
            if (!result.Variables.ContainsKey(pair.Key))
            {
                result.Variables[pair.Key] = PageValue.Join(DefaultForJoin(pair.Key), pair.Value);
            }
        }

        foreach (var pair in a.Facts)
        {
            result.Facts[pair.Key] = PageFact.Join(pair.Value, FactOf(pair.Key, b));
        }

        foreach (var pair in b.Facts)
        {
            if (!result.Facts.ContainsKey(pair.Key))
            {
                result.Facts[pair.Key] = PageFact.Join(FactOf(pair.Key, a), pair.Value);
            }
        }

        return result;
    }

    private static MemberLocation? LocationKey(object key) => key switch
    {
        MemberLocation location => location,
        FieldAlias alias => alias.Location,
        _ => null,
    };

    private PageValue DefaultForJoin(object key) => key switch
    {
        FieldAlias => PageValue.Other,
        MemberLocation location => PageValue.Of(LocationOrigin(location)),
        IParameterSymbol => PageValue.Other,
        _ => PageValue.Null,
    };

    private static PageFact FactOf(PageOrigin origin, ObligationState state)
        => state.Facts.TryGetValue(origin, out var fact)
            ? fact
            : new PageFact(origin.StartsPresent ? PagePaths.Uncleared : PagePaths.Absent, null);

    // ---------------------------------------------------------------- blocks and edges

    private ObligationState Transfer(BasicBlock block, ObligationState state)
    {
        _current = block;
        foreach (var operation in block.Operations)
        {
            Evaluate(operation, state);
        }

        if (block.BranchValue is { } branchValue)
        {
            var value = Evaluate(branchValue, state);
            if (block.FallThroughSuccessor?.Semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow)
            {
                NoteThrowPoint(branchValue, state);
            }
            else if (_reporting && block.FallThroughSuccessor is { Semantics: ControlFlowBranchSemantics.Return } returned)
            {
                _returns.Add((value, state.Clone(), !returned.FinallyRegions.IsEmpty));
            }
        }

        return state;
    }

    /// <summary>The state along <paramref name="branch"/>; null when no path can take it.</summary>
    private ObligationState? EdgeState(BasicBlock block, ControlFlowBranch branch, ObligationState state, bool ownsState)
    {
        var atom = AtomOn(branch);
        ImmutableArray<ParameterCondition>? path = state.Path;
        if (atom is { } proved)
        {
            path = ConditionFacts.Add(state.Path, proved);
            if (path is null)
            {
                return null;
            }
        }

        var edge = ownsState ? state : state.Clone();
        edge.Path = path.Value;
        if (block.ConditionKind == ControlFlowConditionKind.None || block.BranchValue is not { } condition)
        {
            return edge;
        }

        var holds = branch.IsConditionalSuccessor == (block.ConditionKind == ControlFlowConditionKind.WhenTrue);
        PageOrigin? nullTested = null;
        if (NullTest.TryMatch(condition, out var tested, out var nullWhenTrue))
        {
            nullTested = TestedPage(condition, tested, edge).Single;
            if (nullTested is not null && holds == nullWhenTrue)
            {
                // The page is null on this edge: there is nothing to clear or free.
                edge.Facts[nullTested] = new PageFact(PagePaths.Absent, null);
            }
        }

        // Correlated branches: uncleared paths that all went the other way at this same condition cannot be here.
        foreach (var pair in edge.Facts)
        {
            if (pair.Value.MayBeUncleared && pair.Value.UnclearedPathsTook is { } taken && Contradicts(taken, branch))
            {
                var remaining = pair.Value.Paths & ~PagePaths.Uncleared;
                _factUpdates.Add(new(pair.Key, new PageFact(remaining == PagePaths.None ? PagePaths.Absent : remaining, null)));
            }
        }

        ApplyFactUpdates(edge);

        // What the branch proves of a parameter holds on every uncleared path through it; one that contradicts what
        // every uncleared path already proved is not taken by any of them.
        if (atom is { } branchAtom)
        {
            foreach (var pair in edge.Facts)
            {
                if (!pair.Value.MayBeUncleared)
                {
                    continue;
                }

                if (ConditionFacts.Add(pair.Value.Conditions, branchAtom) is { } narrowed)
                {
                    _factUpdates.Add(new(pair.Key, new PageFact(pair.Value.Paths, pair.Value.Witness, pair.Value.Guard, narrowed)));
                }
                else
                {
                    var remaining = pair.Value.Paths & ~PagePaths.Uncleared;
                    _factUpdates.Add(new(pair.Key, new PageFact(remaining == PagePaths.None ? PagePaths.Absent : remaining, null)));
                }
            }

            ApplyFactUpdates(edge);
        }

        // Null checks of pages and compiler-generated tests do not explain why a page was not cleared.
        var testsAPage = nullTested is not null || (NullTest.TryMatch(condition, out var anyTested, out _) && !TestedPage(condition, anyTested, edge).Origins.IsEmpty);
        if (!condition.IsImplicit && !testsAPage)
        {
            foreach (var pair in edge.Facts)
            {
                if (pair.Value.UnclearedOnEveryPath)
                {
                    _factUpdates.Add(new(pair.Key, pair.Value.WithPaths(pair.Value.Paths, branch)));
                }
            }

            ApplyFactUpdates(edge);
        }

        return edge;
    }

    /// <summary>
    /// Writes the facts collected in <see cref="_factUpdates"/> (each computed from its page's own fact while the
    /// dictionary was enumerated, which must not change under the enumerator).
    /// </summary>
    private void ApplyFactUpdates(ObligationState state)
    {
        foreach (var update in _factUpdates)
        {
            state.Facts[update.Key] = update.Value;
        }

        _factUpdates.Clear();
    }

    /// <summary>This method's value parameters it never assigns (bit i: ordinal i): the only ones conditions name.</summary>
    private ulong TrustedParameters => _trustedParameters ??= ConditionFacts.TrustedParametersOf(_graph, _owner);

    /// <summary>The atom about one of this method's own never-assigned parameters that taking <paramref name="branch"/> proves.</summary>
    private ParameterCondition? AtomOn(ControlFlowBranch branch)
    {
        if (branch.Source.ConditionKind == ControlFlowConditionKind.None)
        {
            return null;
        }

        var edge = (2 * branch.Source.Ordinal) + (branch.IsConditionalSuccessor ? 1 : 0);
        if (!_edgeAtomKnown[edge])
        {
            _edgeAtoms[edge] = ConditionFacts.AtomOn(branch, _owner, TrustedParameters, _environment.Symbols);
            _edgeAtomKnown[edge] = true;
        }

        return _edgeAtoms[edge];
    }

    /// <summary>
    /// Both branches test the same bool parameter or once-assigned local (which cannot change in between) and take
    /// opposite sides.
    /// </summary>
    private bool Contradicts(ControlFlowBranch earlier, ControlFlowBranch now)
    {
        if (ReferenceEquals(earlier, now) || StableCondition(earlier) is not { } first || StableCondition(now) is not { } second)
        {
            return false;
        }

        return SymbolEqualityComparer.Default.Equals(first.Variable, second.Variable) && first.Holds != second.Holds;
    }

    /// <summary>For a branch on <c>c</c> or <c>!c</c> with <c>c</c> stable: the variable and its value on the branch.</summary>
    private (ISymbol Variable, bool Holds)? StableCondition(ControlFlowBranch branch)
    {
        var source = branch.Source;
        if (source.ConditionKind == ControlFlowConditionKind.None || source.BranchValue is not { } condition)
        {
            return null;
        }

        var holds = branch.IsConditionalSuccessor == (source.ConditionKind == ControlFlowConditionKind.WhenTrue);
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            condition = not.Operand;
            holds = !holds;
        }

        ISymbol? variable = condition switch
        {
            IParameterReferenceOperation parameter when parameter.Parameter.RefKind == RefKind.None => parameter.Parameter,
            ILocalReferenceOperation local => local.Local,
            _ => null,
        };
        return variable is not null && IsStable(variable) ? (variable, holds) : null;
    }

    /// <summary>Parameters never assigned and locals assigned once, in this graph and not captured.</summary>
    private bool IsStable(ISymbol variable)
    {
        if (_assignmentCounts is null)
        {
            _assignmentCounts = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            foreach (var block in _graph.Blocks)
            {
                foreach (var operation in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }))
                {
                    foreach (var node in operation.DescendantsAndSelf())
                    {
                        var target = node switch
                        {
                            IAssignmentOperation { Target: ILocalReferenceOperation local } => (ISymbol)local.Local,
                            IAssignmentOperation { Target: IParameterReferenceOperation parameter } => parameter.Parameter,
                            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation local } => local.Local,
                            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: IParameterReferenceOperation parameter } => parameter.Parameter,
                            IIncrementOrDecrementOperation { Target: ILocalReferenceOperation local } => local.Local,
                            _ => null,
                        };
                        if (target is not null)
                        {
                            _assignmentCounts[target] = _assignmentCounts.TryGetValue(target, out var count) ? count + 1 : 1;
                        }
                    }
                }
            }
        }

        var assignments = _assignmentCounts.TryGetValue(variable, out var found) ? found : 0;
        return IsTrackable(variable) && (variable is IParameterSymbol ? assignments == 0 : assignments == 1);
    }

    // ---------------------------------------------------------------- operations

    /// <summary>
    /// Operation nesting followed before giving up (operator chains do not count: they are walked in a loop). Past it
    /// the analysis gives up like on an exhausted budget: nothing reported, callers see an opaque summary.
    /// </summary>
    private const int MaxDepth = 200;

    /// <summary>Member-access chains (<c>a.b.c</c>) compared as locations up to this length; longer ones are not tracked.</summary>
    private const int MaxMemberChain = 32;

    private int _depth;

    /// <summary>The links of the operator chains being evaluated, innermost last (see <see cref="EvaluateOperatorChain"/>).</summary>
    private readonly List<IBinaryOperation> _spine = new();

    /// <summary>Facts to write once the enumeration that computed them is over (see <see cref="ApplyFactUpdates"/>).</summary>
    private readonly List<KeyValuePair<PageOrigin, PageFact>> _factUpdates = new();

    private PageValue Evaluate(IOperation? operation, ObligationState state)
    {
        if (_depth >= MaxDepth)
        {
            throw new BudgetExceededException();
        }

        _depth++;
        try
        {
            return EvaluateCore(operation, state);
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>
    /// Operands of a binary operator chain (<c>a | b | c</c>, nested on the left as the parser builds it), left to
    /// right, in a loop: a chain of any length costs one level of depth.
    /// </summary>
    private PageValue EvaluateOperatorChain(IBinaryOperation binary, ObligationState state)
    {
        // One list for every chain of the analysis: a chain nested in a right operand works above this one's links
        // and leaves the list as it found it.
        var start = _spine.Count;
        IOperation leftmost = binary;
        while (leftmost is IBinaryOperation link)
        {
            _spine.Add(link);
            leftmost = link.LeftOperand;
        }

        Evaluate(leftmost, state);
        while (_spine.Count > start)
        {
            var link = _spine[_spine.Count - 1];
            _spine.RemoveAt(_spine.Count - 1);
            Evaluate(link.RightOperand, state);
        }

        return PageValue.Other;
    }

    private PageValue EvaluateCore(IOperation? operation, ObligationState state)
    {
        switch (operation)
        {
            case IBinaryOperation binary:
                return EvaluateOperatorChain(binary, state);
            case null:
                return PageValue.Other;
            case IConversionOperation conversion:
                return Evaluate(conversion.Operand, state);
            case ILocalReferenceOperation local:
                return ReadVariable(local.Local, state);
            case IParameterReferenceOperation parameter:
                return ReadVariable(parameter.Parameter, state);
            case IFlowCaptureReferenceOperation reference:
                return state.Variables.TryGetValue(reference.Id, out var captured) ? captured : PageValue.Other;
            case IFlowCaptureOperation capture:
                state.Variables[capture.Id] = Evaluate(capture.Value, state);
                return PageValue.Other;
            case ISimpleAssignmentOperation assignment:
                return Assign(assignment, state);
            case IInvocationOperation invocation:
                return Invoke(invocation, state);
            case IObjectCreationOperation creation:
                if (creation.Constructor is { } constructor)
                {
                    Call(constructor, creation, creation.Arguments, state);
                }
                else
                {
                    EvaluateChildren(creation, state);
                }

                Evaluate(creation.Initializer, state);
                return PageValue.Other;
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                return ReadMember((IMemberReferenceOperation)operation, state);
            case IIsPatternOperation pattern:
                var tested = Evaluate(pattern.Value, state);
                var declared = pattern.Pattern switch
                {
                    IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
                    IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
                    _ => null,
                };
                if (declared is ILocalSymbol designated)
                {
                    AssignVariable(designated, tested, state, pattern);
                }

                EvaluateChildren(pattern.Pattern, state);
                foreach (var nested in pattern.Pattern.Descendants())
                {
                    // Designations inside sub-patterns hold members of the tested value: not tracked.
                    var inner = nested switch
                    {
                        IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
                        IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
                        _ => null,
                    };
                    if (inner is not null)
                    {
                        AssignVariable(inner, PageValue.Other, state, nested);
                    }
                }

                return PageValue.Other;
            case IFlowAnonymousFunctionOperation function:
                if (_reporting)
                {
                    _nested.Add(_graph.GetAnonymousFunctionControlFlowGraph(function, _cancellationToken));
                }

                return PageValue.Other;
            case IDefaultValueOperation:
                return PageValue.Null;
            case ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }:
                return PageValue.Null;
            default:
                EvaluateChildren(operation, state);
                return PageValue.Other;
        }
    }

    private void EvaluateChildren(IOperation operation, ObligationState state)
    {
        foreach (var child in operation.ChildOperations)
        {
            Evaluate(child, state);
        }
    }

    /// <summary>
    /// The page a null test looks at: its operand, or for <c>AllocPage(...) is { } page</c> (an operand that is not a
    /// variable) the local the pattern declared, which holds the same page.
    /// </summary>
    private PageValue TestedPage(IOperation condition, IOperation tested, ObligationState state)
    {
        var value = Peek(tested, state);
        if (value.Origins.IsEmpty && condition is IIsPatternOperation { Pattern: var pattern }
            && pattern switch
            {
                IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
                IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
                _ => null,
            } is ILocalSymbol declared)
        {
            return ReadVariable(declared, state);
        }

        return value;
    }

    /// <summary>The value of a simple operand without evaluating anything (for null tests of a branch already evaluated).</summary>
    private PageValue Peek(IOperation operation, ObligationState state)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return PeekCore(operation, state);
    }

    private PageValue PeekCore(IOperation operation, ObligationState state) => operation switch
    {
        ILocalReferenceOperation local => ReadVariable(local.Local, state),
        IParameterReferenceOperation parameter => ReadVariable(parameter.Parameter, state),
        IFlowCaptureReferenceOperation reference => state.Variables.TryGetValue(reference.Id, out var value) ? value : PageValue.Other,
        IFieldReferenceOperation or IPropertyReferenceOperation => ReadLocation((IMemberReferenceOperation)operation, state),
        _ => PageValue.Other,
    };

    private PageValue Assign(ISimpleAssignmentOperation assignment, ObligationState state)
    {
        switch (assignment.Target)
        {
            case ILocalReferenceOperation local:
            {
                var value = Evaluate(assignment.Value, state);
                AssignVariable(local.Local, value, state, assignment);
                return value;
            }

            case IParameterReferenceOperation parameter:
            {
                var value = Evaluate(assignment.Value, state);
                AssignVariable(parameter.Parameter, value, state, assignment);
                return value;
            }

            case IFlowCaptureReferenceOperation reference:
            {
                var value = Evaluate(assignment.Value, state);
                state.Variables[reference.Id] = value;
                return value;
            }

            case IMemberReferenceOperation member and (IFieldReferenceOperation or IPropertyReferenceOperation):
            {
                Evaluate(member.Instance, state);
                if (member is IPropertyReferenceOperation { Arguments.Length: > 0 } indexer)
                {
                    EvaluateChildren(indexer, state);
                }

                var value = Evaluate(assignment.Value, state);
                var location = LocationOf(member);
                Invalidate(member.Member, state, assignment);
                if (location is not null && _environment.IsAnnotated(member.Member))
                {
                    state.Variables[location] = value;
                }
                else if (location is not null && !value.Origins.IsEmpty && !value.MayBeOther)
                {
                    // `_head = page; Clear(_head);` clears the page: remember the alias until the member is written again.
                    state.Variables[new FieldAlias(location)] = value;
                }

                return value;
            }

            default:
                Evaluate(assignment.Target, state);
                return Evaluate(assignment.Value, state);
        }
    }

    private void AssignVariable(ISymbol variable, PageValue value, ObligationState state, IOperation cause)
    {
        if (IsTrackable(variable))
        {
            state.Variables[variable] = value;
        }

        Invalidate(variable, state, cause);
    }

    /// <summary>
    /// Member locations read through <paramref name="variable"/> now denote other pages: each known one is
    /// rebound to a fresh page (keyed by the assignment, so the fixpoint sees the same one every time), while the
    /// pages read before keep their state for the locals that still hold them.
    /// </summary>
    private void Invalidate(ISymbol variable, ObligationState state, IOperation cause)
    {
        List<object>? stale = null;
        foreach (var key in state.Variables.Keys)
        {
            if (LocationKey(key)?.DependsOn(variable) == true)
            {
                (stale ??= new List<object>()).Add(key);
            }
        }

        if (stale is not null)
        {
            foreach (var key in stale)
            {
                state.Variables.Remove(key);
            }
        }

        // Only origins of member locations can be rebound: not every allocation of the method on every assignment.
        // (The origins created here are appended after the ones looked at.)
        HashSet<MemberLocation>? rebound = null;
        var known = _locationOrigins.Count;
        for (var i = 0; i < known; i++)
        {
            if (_locationOrigins[i].Location is { } location && location.DependsOn(variable) && (rebound ??= new HashSet<MemberLocation>()).Add(location))
            {
                var rebinding = new Rebinding(location, cause);
                var fresh = _origins.TryGetValue(rebinding, out var existing) ? existing : AddOrigin(rebinding, NewLocationOrigin(location));
                state.Variables[location] = PageValue.Of(fresh);
                state.Facts[fresh] = new PageFact(PagePaths.Uncleared, null);
            }
        }
    }

    private PageValue ReadVariable(ISymbol variable, ObligationState state)
    {
        if (!IsTrackable(variable))
        {
            return PageValue.Other;
        }

        if (state.Variables.TryGetValue(variable, out var value))
        {
            return value;
        }

        return variable is ILocalSymbol ? PageValue.Null : PageValue.Other;
    }

    private PageValue ReadMember(IMemberReferenceOperation member, ObligationState state)
    {
        Evaluate(member.Instance, state);
        if (member is IPropertyReferenceOperation { Arguments.Length: > 0 } indexer)
        {
            foreach (var argument in indexer.Arguments)
            {
                Evaluate(argument.Value, state);
            }
        }

        return ReadLocation(member, state);
    }

    private PageValue ReadLocation(IMemberReferenceOperation member, ObligationState state)
    {
        if (!_environment.IsAnnotated(member.Member) || LocationOf(member) is not { } location)
        {
            return PageValue.Other;
        }

        if (state.Variables.TryGetValue(location, out var value))
        {
            return value;
        }

        // First read of the location's original page: make its fact explicit so branches can describe it.
        var origin = LocationOrigin(location);
        if (!state.Facts.ContainsKey(origin))
        {
            state.Facts[origin] = new PageFact(PagePaths.Uncleared, null);
        }

        return PageValue.Of(origin);
    }

    /// <summary>
    /// The page a plain (unannotated) field or property still holds since this method stored it there, when every
    /// path stored the same one page; null when unsure (another write, a join of different pages).
    /// </summary>
    private PageValue? AliasRead(IOperation operation, ObligationState state)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation is IMemberReferenceOperation member and (IFieldReferenceOperation or IPropertyReferenceOperation)
               && !_environment.IsAnnotated(member.Member)
               && LocationOf(member) is { } location
               && state.Variables.TryGetValue(new FieldAlias(location), out var value)
               && value.Single is not null
            ? value
            : null;
    }

    /// <summary>The location a member read denotes, when its receiver chain is simple enough to compare reads.</summary>
    private MemberLocation? LocationOf(IMemberReferenceOperation member, int length = 0)
    {
        if (length >= MaxMemberChain || member is IPropertyReferenceOperation { Arguments.Length: > 0 } || member.Member is not (IFieldSymbol or IPropertySymbol))
        {
            return null;
        }

        if (member.Member.IsStatic)
        {
            return new MemberLocation(member.Member, null);
        }

        var instance = member.Instance;
        while (instance is IConversionOperation { IsImplicit: true } conversion)
        {
            instance = conversion.Operand;
        }

        object? receiver = instance switch
        {
            IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => MemberLocation.This,
            ILocalReferenceOperation local when IsTrackable(local.Local) => local.Local,
            IParameterReferenceOperation parameter when IsTrackable(parameter.Parameter) => parameter.Parameter,
            IFieldReferenceOperation or IPropertyReferenceOperation => LocationOf((IMemberReferenceOperation)instance, length + 1),
            _ => null,
        };
        return receiver is null ? null : new MemberLocation(member.Member, receiver);
    }

    private PageValue Invoke(IInvocationOperation invocation, ObligationState state)
    {
        var method = invocation.TargetMethod;
        var symbols = _environment.Symbols;
        if (_environment.IsAllocation(method))
        {
            EvaluateChildren(invocation, state);
            var carries = symbols.FlagsArgument(invocation) is { } flags ? CarriesNoCodetag(flags.Value) : null;
            if (carries == true)
            {
                var origin = _origins.TryGetValue(invocation, out var known)
                    ? known
                    : AddOrigin(invocation, new PageOrigin(_origins.Count, PageOriginKind.Allocation, $"allocated with NoCodetag at line {LineOf(invocation)}"));
                return Renew(invocation, origin, state, PagePaths.Uncleared);
            }

            // A page allocated without NoCodetag has its tag: like null, it carries no obligation, so
            // `early ? AllocPage(NoCodetag) : AllocPage(Kernel)` still holds the first page's obligation.
            return carries == false ? PageValue.Null : PageValue.Other;
        }

        if (_environment.IsClear(method) || symbols.IsFree(method))
        {
            Evaluate(invocation.Instance, state);
            IArgumentOperation? pageArgument = null;
            var page = PageValue.Other;
            foreach (var argument in invocation.Arguments)
            {
                var value = Evaluate(argument.Value, state);
                if (pageArgument is null && SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type, symbols.Page))
                {
                    pageArgument = argument;
                    page = value;
                }
            }

            if (_environment.IsClear(method))
            {
                Settle(page, state);
                if (pageArgument is not null && AliasRead(pageArgument.Value, state) is { } aliased)
                {
                    Settle(aliased, state);
                }
            }
            else if (pageArgument is not null)
            {
                CheckFree(invocation, pageArgument, page, method.Name, state);
                if (page.Single is { } freed)
                {
                    state.Facts[freed] = new PageFact(PagePaths.Absent, null);
                }
            }

            return PageValue.Other;
        }

        Evaluate(invocation.Instance, state);
        if (IsAtomicAccess(method) && invocation.Arguments.Length > 0
            && invocation.Arguments[0].Parameter?.RefKind is RefKind.Ref or RefKind.In or RefKind.RefReadOnlyParameter)
        {
            // Interlocked.Exchange/CompareExchange and Volatile.Read return the page the location held.
            var previous = Peek(invocation.Arguments[0].Value, state);
            Call(method, invocation, invocation.Arguments, state);
            return previous;
        }

        Call(method, invocation, invocation.Arguments, state);
        if (_environment.ReturnIsAnnotated(method))
        {
            var origin = OriginFor(invocation, () => new PageOrigin(_origins.Count, PageOriginKind.AnnotatedReturn, $"returned by [NoCodetagPages] method '{method.Name}' at line {LineOf(invocation)}"));
            return Renew(invocation, origin, state, PagePaths.Uncleared);
        }

        if (_environment.ReturnsPage(method) && SummaryOf(method) is { ReturnsUnknown: false } callee)
        {
            if (!callee.ReturnsUnclearedPage
                || new CallArguments(invocation.Arguments, TrustedParameters).Evaluate(callee.ReturnConditions) is not { } conditions
                || ConditionFacts.Union(state.Path, conditions) is not { } unclearedUnder)
            {
                // Null, a page with its tag, or one the callee cleared (for these arguments): like null, no obligation.
                return PageValue.Null;
            }

            // The callee hands out a NoCodetag page it did not clear: the obligation is now this method's.
            var origin = OriginFor(invocation, () => new PageOrigin(_origins.Count, PageOriginKind.ReturnedUncleared, $"a NoCodetag page returned by '{method.Name}' at line {LineOf(invocation)}"));
            return Renew(invocation, origin, state, callee.Returned, unclearedUnder);
        }

        return PageValue.Other;
    }

    /// <summary>
    /// The call site produces a new page. Variables still holding the page it produced last time (in an earlier loop
    /// iteration) are moved to the site's "older pages" origin, so the new page's fresh state does not overwrite theirs.
    /// </summary>
    private PageValue Renew(IOperation site, PageOrigin origin, ObligationState state, PagePaths paths, ImmutableArray<ParameterCondition> conditions = default)
    {
        PageOrigin? older = null;
        List<object>? holders = null;
        foreach (var pair in state.Variables)
        {
            if (pair.Value.Origins.Contains(origin))
            {
                (holders ??= new List<object>()).Add(pair.Key);
            }
        }

        if (holders is not null)
        {
            var olderKey = new OlderPages(site);
            older = _origins.TryGetValue(olderKey, out var existing) ? existing : AddOrigin(olderKey, new PageOrigin(_origins.Count, origin.Kind, origin.Description));
            foreach (var key in holders)
            {
                state.Variables[key] = state.Variables[key].Replace(origin, older);
            }
        }

        if (older is not null)
        {
            var current = FactOf(origin, state);
            state.Facts[older] = state.Facts.TryGetValue(older, out var previous) ? PageFact.Join(previous, current) : current;
        }

        state.Facts[origin] = new PageFact(paths, StableBranchInto(_current), null, conditions.IsDefault ? state.Path : conditions);
        return PageValue.Of(origin);
    }

    /// <summary>
    /// The branch on an unchanging bool that is the only way into <paramref name="block"/>, if any: a page allocated
    /// there (<c>early ? AllocPage(NoCodetag) : AllocPage(Kernel)</c>) exists only on that side, so a later test of
    /// the same bool the other way cannot see it uncleared.
    /// </summary>
    private ControlFlowBranch? StableBranchInto(BasicBlock? block)
    {
        if (block is null || block.Predecessors.Length != 1 || block.Predecessors[0] is not { } branch
            || branch.Source.ConditionKind == ControlFlowConditionKind.None || branch.Source.BranchValue is not { IsImplicit: false })
        {
            return null;
        }

        return StableCondition(branch) is not null ? branch : null;
    }

    /// <summary>Applies what a call does to the pages passed to it: its summary, or "may clear" for code we cannot see.</summary>
    private void Call(IMethodSymbol method, IOperation call, ImmutableArray<IArgumentOperation> arguments, ObligationState state)
    {
        List<(IArgumentOperation Argument, PageValue Value)>? passed = null;
        List<IOperation>? byReference = null;
        foreach (var argument in arguments)
        {
            var value = Evaluate(argument.Value, state);
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
            {
                // The callee may replace the variable, and whatever it held escapes.
                (byReference ??= new List<IOperation>()).Add(argument.Value);
                if (!IsAtomicAccess(method))
                {
                    Settle(value, state);
                }
            }
            else if (!value.Origins.IsEmpty && argument.Parameter is { } parameter && _environment.CanHoldPage(parameter.Type))
            {
                // (A page converted by a user-defined operator to a parameter that cannot hold it is not handed over.)
                (passed ??= new List<(IArgumentOperation Argument, PageValue Value)>()).Add((argument, value));
            }
        }

        NoteThrowPoint(call, state);
        if (passed is not null)
        {
            var summary = SummaryOf(method);
            var callArguments = new CallArguments(arguments, TrustedParameters);
            foreach (var (argument, value) in passed)
            {
                var effect = summary?.For(argument.Parameter?.Ordinal ?? -1);
                if (effect is { Kind: ParameterEffectKind.Known } known)
                {
                    // A [NoCodetagPages] parameter's frees are reported inside the callee; do not report twice.
                    if (known.FreesUncleared && !(argument.Parameter is { } parameter && _environment.IsAnnotated(parameter)))
                    {
                        // The first of the callee's uncleared frees that these arguments allow.
                        foreach (var conditions in known.FreeConditions)
                        {
                            if (callArguments.Evaluate(conditions) is { } remaining
                                && CheckFree(call, argument, value, $"'{method.Name}' (which frees it)", state, remaining))
                            {
                                break;
                            }
                        }
                    }

                    Compose(value, known, callArguments, state);
                }
                else if (effect is { Kind: ParameterEffectKind.Unknown } || (summary is null && MayClear(method)))
                {
                    Settle(value, state);
                }
            }
        }

        if (byReference is null)
        {
            return;
        }

        foreach (var target in byReference)
        {
            var variable = target switch
            {
                ILocalReferenceOperation local => local.Local,
                IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local } => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IMemberReferenceOperation member => member.Member,
                _ => (ISymbol?)null,
            };
            if (variable is not null)
            {
                AssignVariable(variable, PageValue.Other, state, target);
            }
        }
    }

    private MethodObligationSummary? SummaryOf(IMethodSymbol method)
        => SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _environment.CompilationAssembly)
           && method.MethodKind != MethodKind.DelegateInvoke
            ? _environment.GetSummary(method, _graph, _cancellationToken)
            : null;

    /// <summary>
    /// Code we cannot summarize may clear a page handed to it when it is ours or the runtime's, or reached by
    /// dynamic dispatch; plain library methods (collections, Interlocked) cannot.
    /// </summary>
    private bool MayClear(IMethodSymbol method)
        => SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _environment.CompilationAssembly)
           || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _environment.Symbols.PageAllocator.ContainingAssembly)
           || method.MethodKind == MethodKind.DelegateInvoke
           || method.IsVirtual || method.IsAbstract || method.IsOverride
           || method.ContainingType?.TypeKind == TypeKind.Interface;

    /// <summary><c>Interlocked.Exchange</c>, <c>Interlocked.CompareExchange</c>, <c>Volatile.Read</c>: they move pages, never clear them.</summary>
    private static bool IsAtomicAccess(IMethodSymbol method)
        => method.ContainingType is { ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } type
           && ((type.Name == "Interlocked" && method.Name is "Exchange" or "CompareExchange") || (type.Name == "Volatile" && method.Name == "Read"));

    /// <summary>After a clear (or an escape to code that may clear): no uncleared path remains.</summary>
    private static void Settle(PageValue value, ObligationState state)
    {
        foreach (var origin in value.Origins)
        {
            var fact = FactOf(origin, state);
            if (fact.MayBeUncleared)
            {
                state.Facts[origin] = new PageFact((fact.Paths & ~PagePaths.Uncleared) | PagePaths.Settled, null);
            }
        }
    }

    /// <summary>
    /// After a call whose summary says what becomes of an uncleared page passed in: still uncleared (under the callee's
    /// conditions, evaluated with the arguments), settled, or absent.
    /// </summary>
    private static void Compose(PageValue value, ParameterEffect effect, CallArguments arguments, ObligationState state)
    {
        var single = value.Single;
        var atExit = effect.AtExit;
        var exitConditions = (atExit & PagePaths.Uncleared) != 0 ? arguments.Evaluate(effect.AtExitConditions) : null;
        foreach (var origin in value.Origins)
        {
            var fact = FactOf(origin, state);
            if (!fact.MayBeUncleared)
            {
                continue;
            }

            // Uncleared after the call only on paths where the callee's conditions agree with what this path proved.
            var unclearedAfter = exitConditions is { } extra ? ConditionFacts.Union(fact.Conditions, extra) : null;
            var exitPaths = atExit == PagePaths.None ? PagePaths.Absent : atExit & ~PagePaths.Uncleared;
            if (unclearedAfter is not null)
            {
                exitPaths |= PagePaths.Uncleared;
            }

            // When the value may be another page, keep the old paths too: the callee may not have had this one.
            var kept = single is null ? fact.Paths : fact.Paths & ~PagePaths.Uncleared;
            var paths = kept | (exitPaths == PagePaths.None ? PagePaths.Absent : exitPaths);
            var conditions = (kept & PagePaths.Uncleared) != 0 || unclearedAfter is null ? fact.Conditions : unclearedAfter.Value;
            state.Facts[origin] = new PageFact(paths, fact.Witness, fact.Guard, conditions);
        }
    }

    /// <summary>
    /// Reports a free reached with an uncleared page; <paramref name="calleeConditions"/> (for a callee that frees) must
    /// also hold on the uncleared path. True when reported.
    /// </summary>
    private bool CheckFree(
        IOperation free,
        IArgumentOperation argument,
        PageValue value,
        string freer,
        ObligationState state,
        ImmutableArray<ParameterCondition> calleeConditions = default)
    {
        if (!_reporting || value.MayBeOther || value.Origins.IsEmpty || _reportedFrees.Contains(free))
        {
            return false;
        }

        PageFact? UnclearedFact(PageOrigin origin)
        {
            var fact = FactOf(origin, state);
            if (!fact.MayBeUncleared)
            {
                return null;
            }

            if (calleeConditions.IsDefaultOrEmpty)
            {
                return fact;
            }

            return ConditionFacts.Union(fact.Conditions, calleeConditions) is { } conditions
                ? new PageFact(fact.Paths, fact.Witness, fact.Guard, conditions)
                : null;
        }

        PageOrigin? guilty = null;
        PageFact? guiltyFact = null;
        if (value.Single is { } single)
        {
            (guilty, guiltyFact) = (single, UnclearedFact(single));
        }
        else if (!value.Origins.Any(origin => FactOf(origin, state).MayBeSettled))
        {
            // Which page it is depends on the path: report only when no candidate was ever cleared.
            foreach (var origin in value.Origins)
            {
                if (UnclearedFact(origin) is { } fact)
                {
                    (guilty, guiltyFact) = (origin, fact);
                    break;
                }
            }
        }

        if (guilty is null || guiltyFact is not { } reported)
        {
            return false;
        }

        _reportedFrees.Add(free);
        _reports.Add(new FreeReport(free, PageText(argument.Value), guilty, reported, freer));
        return true;
    }

    /// <summary>The state at a call inside a try flows to its catch handlers and (for reporting) its finally.</summary>
    private void NoteThrowPoint(IOperation thrower, ObligationState state)
    {
        if (_reporting || _current is null)
        {
            return;
        }

        var catches = _catchEntriesOf[_current.Ordinal];
        var region = _exceptionalFinallyOf[_current.Ordinal];
        if (catches is null && region is null)
        {
            return;
        }

        // On the exceptional path the throwing call is what explains an uncleared page.
        if (!_throwWitnesses.TryGetValue(thrower, out var witness))
        {
            witness = new ThrowWitness(thrower, _current.Ordinal);
            _throwWitnesses[thrower] = witness;
        }

        var thrown = state.Clone();
        foreach (var pair in state.Facts)
        {
            if (pair.Value.MayBeUncleared)
            {
                thrown.Facts[pair.Key] = new PageFact(pair.Value.Paths, witness, null, pair.Value.Conditions);
            }
        }

        if (catches is not null)
        {
            foreach (var handler in catches)
            {
                if (!_handlerEntries.TryGetValue(handler, out var existing))
                {
                    _handlerEntries[handler] = thrown.Clone();
                    _dirtyHandlers.Add(handler);
                }
                else
                {
                    var joined = Join(existing, thrown);
                    if (!joined.ContentEquals(existing))
                    {
                        _handlerEntries[handler] = joined;
                        _dirtyHandlers.Add(handler);
                    }
                }
            }
        }

        if (region is not null)
        {
            _exceptionalFinallyEntries[region] = _exceptionalFinallyEntries.TryGetValue(region, out var seen) ? Join(seen, thrown) : thrown;
        }
    }

    // ---------------------------------------------------------------- origins and symbols

    private bool? CarriesNoCodetag(IOperation flags)
    {
        _carriesNoCodetag ??= _environment.NoCodetagFlagsFor(_graph, _cancellationToken);
        return _carriesNoCodetag(flags);
    }

    private PageOrigin OriginFor(object key, Func<PageOrigin> create)
        => _origins.TryGetValue(key, out var origin) ? origin : AddOrigin(key, create());

    /// <summary>Records the origin created for <paramref name="key"/> (hot callers look the key up first: no closure).</summary>
    private PageOrigin AddOrigin(object key, PageOrigin origin)
    {
        _origins[key] = origin;
        if (origin.Location is not null)
        {
            _locationOrigins.Add(origin);
        }

        return origin;
    }

    private PageOrigin ParameterOrigin(IParameterSymbol parameter)
        => OriginFor(parameter, () => _environment.IsAnnotated(parameter)
            ? new PageOrigin(_origins.Count, PageOriginKind.AnnotatedParameter, $"from [NoCodetagPages] parameter '{parameter.Name}'", parameter)
            : new PageOrigin(_origins.Count, PageOriginKind.Parameter, $"parameter '{parameter.Name}'", parameter));

    private PageOrigin LocationOrigin(MemberLocation location) => OriginFor(location, () => NewLocationOrigin(location));

    private PageOrigin NewLocationOrigin(MemberLocation location) => new(
        _origins.Count,
        PageOriginKind.AnnotatedMember,
        $"from [NoCodetagPages] {(location.Member is IFieldSymbol ? "field" : "property")} '{location.Member.ContainingType?.Name}.{location.Member.Name}'",
        location: location);

    private bool IsTrackedParameter(IParameterSymbol parameter) => MayHoldPage(parameter) && IsTrackable(parameter);

    internal static bool MayHoldPage(IParameterSymbol parameter)
        => parameter.RefKind is RefKind.None or RefKind.In
           && (parameter.Type.IsReferenceType || parameter.Type.TypeKind == TypeKind.TypeParameter);

    /// <summary>Locals and parameters of this graph's own function that no lambda or local function captures.</summary>
    private bool IsTrackable(ISymbol variable)
        => SymbolEqualityComparer.Default.Equals(variable.ContainingSymbol, _owner) && !_captured.Contains(variable);

    private static HashSet<ISymbol> CapturedVariables(IOperation root)
    {
        var captured = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in root.Descendants())
        {
            var function = operation switch
            {
                IAnonymousFunctionOperation anonymous => anonymous.Symbol,
                ILocalFunctionOperation local => local.Symbol,
                _ => null,
            };
            if (function is null)
            {
                continue;
            }

            foreach (var inner in operation.Descendants())
            {
                var variable = inner switch
                {
                    ILocalReferenceOperation local => (ISymbol)local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (variable is not null && !SymbolEqualityComparer.Default.Equals(variable.ContainingSymbol, function))
                {
                    captured.Add(variable);
                }
            }
        }

        return captured;
    }

    private void ClassifyRegions(BasicBlock block)
    {
        List<int>? catches = null;
        ControlFlowRegion? finallyRegion = null;
        ControlFlowRegion? exceptionalFinally = null;
        var stopCollecting = false;
        // A lambda's or local function's graph hangs below the region of its parent graph that declares it: stop
        // at this graph's root, or the regions (and their block ordinals) would be the parent's.
        for (var region = block.EnclosingRegion; region is not null; region = region.Kind == ControlFlowRegionKind.Root ? null : region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Finally)
            {
                finallyRegion ??= region;
            }

            if (stopCollecting || region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { } parent)
            {
                continue;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                foreach (var handler in parent.NestedRegions)
                {
                    if (handler.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler)
                    {
                        (catches ??= new List<int>()).Add(handler.FirstBlockOrdinal);
                    }
                }
            }
            else if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
            {
                // The finally runs before outer handlers and may clear: stop there rather than guess.
                exceptionalFinally = parent.NestedRegions.FirstOrDefault(nested => nested.Kind == ControlFlowRegionKind.Finally);
                stopCollecting = true;
            }
        }

        _finallyOf[block.Ordinal] = finallyRegion;
        _catchEntriesOf[block.Ordinal] = catches;
        _exceptionalFinallyOf[block.Ordinal] = exceptionalFinally;
    }

    private static string PageText(IOperation value)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        return value.Syntax.ToString().TrimEnd('!');
    }

    private static int LineOf(IOperation operation) => operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The key of the page an unannotated member location was last assigned in this method.</summary>
    private sealed class FieldAlias
    {
        public FieldAlias(MemberLocation location) => Location = location;

        public MemberLocation Location { get; }

        public override bool Equals(object? obj) => obj is FieldAlias other && Location.Equals(other.Location);

        public override int GetHashCode() => Location.GetHashCode() ^ 0x5a5a;
    }

    /// <summary>The key of the pages a call site produced before its latest one.</summary>
    private sealed class OlderPages
    {
        public OlderPages(IOperation site) => Site = site;

        public IOperation Site { get; }

        public override bool Equals(object? obj) => obj is OlderPages other && ReferenceEquals(Site, other.Site);

        public override int GetHashCode() => Site.GetHashCode();
    }

    /// <summary>The key of the page a member location denotes after the assignment <see cref="Cause"/> changed it.</summary>
    private sealed class Rebinding
    {
        public Rebinding(MemberLocation location, IOperation cause)
        {
            Location = location;
            Cause = cause;
        }

        public MemberLocation Location { get; }

        public IOperation Cause { get; }

        public override bool Equals(object? obj) => obj is Rebinding other && Location.Equals(other.Location) && ReferenceEquals(Cause, other.Cause);

        public override int GetHashCode() => Location.GetHashCode() ^ Cause.GetHashCode();
    }

    private sealed class BudgetExceededException : Exception
    {
    }
}

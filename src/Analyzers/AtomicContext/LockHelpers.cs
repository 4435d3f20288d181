using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>What a lock helper does to its caller's locks: takes or releases one (in the helper's own terms).</summary>
internal sealed class LockHelperEffect
{
    public LockHelperEffect(LockRole role, LockOperation operation, string? identity, string name, bool annotated)
    {
        Annotated = annotated;
        Role = role;
        Operation = operation;
        Identity = identity;
        Name = name;
    }

    /// <summary><see cref="LockRole.Acquire"/> or <see cref="LockRole.Release"/>.</summary>
    public LockRole Role { get; }

    /// <summary>The lock primitive the helper calls (names the lock kind and variant in messages).</summary>
    public LockOperation Operation { get; }

    /// <summary>The lock as the helper names it ("_lock", "dev.Lock", "rcu"); mapped to the caller's terms at each call.</summary>
    public string? Identity { get; }

    public string Name { get; }

    /// <summary>
    /// Said by an attribute. An acquire helper proved from its body only is reported by GFP008 in itself (it returns
    /// holding a lock without saying so); its callers' leaks of that lock are the same mistake and are not reported again.
    /// </summary>
    public bool Annotated { get; }
}

/// <summary>How a method that releases a lock it never takes (a pure release) stands.</summary>
internal enum ReleaseVerdict
{
    /// <summary>It releases on every path: a release helper (<c>__releases</c>); its callers are credited with the release.</summary>
    EveryPath,

    /// <summary>It releases only when a <c>bool</c> parameter says so (<c>if (locked) unlock</c>): the caller's choice, not judged.</summary>
    OnParameter,

    /// <summary>
    /// Some way out never releases, while another does: a stray unlock on one (error) path of a method that holds no lock.
    /// </summary>
    Stray,

    /// <summary>Not judged: released under a condition on the method's state, a null-conditional receiver, a pass that gave up.</summary>
    Unjudged,
}

/// <summary>
/// Lock helpers: methods whose lock or unlock transfers to their callers (Linux's <c>__acquires</c> /
/// <c>__releases</c>). A method is one when it is annotated (<c>[AcquiresLock]</c>, <c>[AcquiresRcuReadLock]</c>,
/// <c>[ReleasesLock]</c>) or when its body proves it: a lock of its own still held on every path out (and nothing else
/// held), or a lock it never takes released on every path. A stray unlock on one error path does not make a helper:
/// callers are not credited with it, and GFP008 reports it in the method. Helpers are read from the helper's own lock
/// calls, one level deep (a helper that only calls another helper is not followed): no recursion, a pure function of the
/// compilation, cached per method. A method of another assembly (a referenced library) has no body here: it is a helper
/// by its annotations alone (<see cref="LibraryLockHelpers"/>).
/// </summary>
internal sealed class LockHelpers
{
    private static readonly ConditionalWeakTable<Compilation, LockHelpers> Stores = new();

    private readonly Compilation _compilation;
    private readonly RuntimeSymbols _symbols;
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<LockHelperEffect>> _effects = new(SymbolEqualityComparer.Default);

    /// <summary>The compilation references a library built on the runtime: calls to other assemblies may go to its lock helpers.</summary>
    private readonly bool _librariesMayDeclareHelpers;

    private LockHelpers(Compilation compilation, RuntimeSymbols symbols)
    {
        _compilation = compilation;
        _symbols = symbols;
        _librariesMayDeclareHelpers = LibraryLockHelpers.MayBeReferencedBy(compilation.Assembly, symbols);
    }

    public static LockHelpers For(Compilation compilation, RuntimeSymbols symbols)
        => Stores.GetValue(compilation, c => new LockHelpers(c, symbols));

    /// <summary>
    /// The lock effects of a call to <paramref name="call"/>'s target on its caller (empty for most methods). A call through
    /// an interface runs the receiver's implementation when only one can run: the graph's <c>IDisposable.Dispose()</c> of a
    /// using or foreach on a guard or enumerator of our own (<see cref="HiddenOwnCalls.ImplementationOf"/>).
    /// </summary>
    public ImmutableArray<LockHelperEffect> EffectsOf(IInvocationOperation call, CancellationToken ct)
    {
        if (call.TargetMethod.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return RunTarget(call) is { } implementation ? EffectsOf(implementation, ct) : ImmutableArray<LockHelperEffect>.Empty;
        }

        return LocalFacts.IsUnknownDispatch(call) ? ImmutableArray<LockHelperEffect>.Empty : EffectsOf(call.TargetMethod, ct);
    }

    /// <summary>
    /// The method <paramref name="call"/> runs: its target, or for a call through an interface the one implementation
    /// of a receiver of ours that can run (<see cref="HiddenOwnCalls.ImplementationOf"/>); null when it cannot be told.
    /// </summary>
    private IMethodSymbol? RunTarget(IInvocationOperation call)
    {
        var target = call.TargetMethod;
        if (target.ContainingType?.TypeKind != TypeKind.Interface)
        {
            return target;
        }

        // Only a receiver of ours can run a method of ours (no interface map built for the BCL's types).
        return call.Instance is { } instance && HiddenOwnCalls.Unconverted(instance).Type is { } receiver
               && SymbolEqualityComparer.Default.Equals(receiver.OriginalDefinition.ContainingAssembly, _compilation.Assembly)
            ? HiddenOwnCalls.ImplementationOf(target, receiver)
            : null;
    }

    public ImmutableArray<LockHelperEffect> EffectsOf(IMethodSymbol method, CancellationToken ct)
    {
        // Most calls go to other assemblies (the runtime, the BCL): those without a lock annotation are answered before
        // any hashing of symbols. An annotated one (a library's helper) is read from its attributes alone.
        var library = !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly);
        if (library && (!_librariesMayDeclareHelpers || !LibraryLockHelpers.IsAnnotated(method, _symbols)))
        {
            return ImmutableArray<LockHelperEffect>.Empty;
        }

        var key = SummaryStore.Key(method);
        if (_effects.TryGetValue(key, out var known))
        {
            return known;
        }

        return _effects.GetOrAdd(key, library ? LibraryLockHelpers.EffectsOf(key, _symbols) : Compute(key, ct));
    }

    /// <summary>
    /// For each lock a graph releases without ever taking it ("family:identity"), whether it releases on every path. The
    /// method is analysed as if its caller held those locks (the helper's view); only graphs with such releases pay for it.
    /// </summary>
    public static Dictionary<string, ReleaseVerdict> PureReleaseVerdicts(LockFlow flow, ISymbol owner, RuntimeSymbols symbols, CancellationToken ct)
    {
        var verdicts = new Dictionary<string, ReleaseVerdict>(System.StringComparer.Ordinal);
        var assumed = new List<CallerLock>();
        foreach (var e in AllEvents(flow))
        {
            if (e.Kind != LockEventKind.Release || e.Release!.Identity is not { } identity
                || flow.Scan.Sites.Any(site => site is not null && e.Release.Matches(site)))
            {
                continue;
            }

            var key = Key(e.Release.Operation!.Family, identity);
            if (e.Operation is IInvocationOperation { Instance: IConditionalAccessInstanceOperation })
            {
                // `_rcu?.ReadUnlock()`: skipped only when there is no lock object at all, which the flow cannot tell.
                verdicts[key] = ReleaseVerdict.Unjudged;
            }

            if (!assumed.Any(l => Key(l.Family, l.Identity!) == key))
            {
                assumed.Add(new CallerLock(e.Release.Operation.Family, identity, e.Release.Name, "[ReleasesLock(\"" + identity + "\")]"));
            }
        }

        if (assumed.Count == 0)
        {
            return verdicts;
        }

        var helperView = LockFlow.Run(flow.Graph, owner, symbols, assumed, ct, followHelpers: flow.Scan.FollowsHelpers);
        for (var i = 0; i < assumed.Count; i++)
        {
            var key = Key(assumed[i].Family, assumed[i].Identity!);
            if (!verdicts.ContainsKey(key))
            {
                verdicts[key] = helperView.Degraded || helperView.Incomplete ? ReleaseVerdict.Unjudged : Judge(helperView, helperView.Scan.CallerSites[i]);
            }
        }

        return verdicts;
    }

    public static string Key(LockFamily family, string identity) => family + ":" + identity;

    /// <summary>
    /// Stray when some way out keeps the lock on every path into it while another releases it — the unlock sits on one
    /// (error) path of its own. An exit that some paths reach released and some not is a release under a condition of
    /// the method's state (<c>if (_held) unlock</c>, a guard's Dispose): not a helper, not judged either.
    /// </summary>
    private static ReleaseVerdict Judge(LockFlow flow, int assumedSite)
    {
        // Branches into the exit block, grouped by the return (or end) they leave through.
        var exits = new Dictionary<SyntaxNode, List<PathState>>();
        foreach (var pair in flow.Exits)
        {
            if (ExitLocator.Locate(pair.Key) is not { } exit)
            {
                return ReleaseVerdict.Unjudged;
            }

            if (!exits.TryGetValue(exit.Node, out var states))
            {
                exits.Add(exit.Node, states = new List<PathState>());
            }

            pair.Value.CopyTo(states);
        }

        var verdict = ReleaseVerdict.EveryPath;
        foreach (var exit in exits.Values)
        {
            var holding = 0;
            var decidedByParameter = true;
            foreach (var state in exit)
            {
                if (!state.IsDepthKnown)
                {
                    return ReleaseVerdict.Unjudged;
                }

                if (Holds(state, assumedSite))
                {
                    holding++;
                    decidedByParameter &= DecidedByParameter(flow, state);
                }
            }

            if (holding == 0)
            {
                continue;
            }

            if (holding == exit.Count && !decidedByParameter)
            {
                return ReleaseVerdict.Stray;
            }

            verdict = decidedByParameter ? ReleaseVerdict.OnParameter : ReleaseVerdict.Unjudged;
        }

        return verdict;
    }

    private static bool Holds(PathState state, int site)
    {
        for (var level = 0; level < state.Depth; level++)
        {
            if (state.SiteAt(level) == site)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path is told apart by a <c>bool</c> parameter of the method: whether it releases is the caller's call.</summary>
    private static bool DecidedByParameter(LockFlow flow, PathState state)
    {
        var known = state.KnownTrue | state.KnownFalse;
        foreach (var pair in flow.Scan.Tracked)
        {
            if (pair.Key is IParameterSymbol && ((known >> pair.Value) & 1) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<LockEvent> AllEvents(LockFlow flow)
    {
        foreach (var statements in flow.Scan.Events)
        {
            foreach (var events in statements)
            {
                if (events is null)
                {
                    continue;
                }

                foreach (var e in events)
                {
                    yield return e;
                }
            }
        }
    }

    private ImmutableArray<LockHelperEffect> Compute(IMethodSymbol method, CancellationToken ct)
    {
        var empty = ImmutableArray<LockHelperEffect>.Empty;
        // An explicit interface implementation (`void IDisposable.Dispose()`) is reached through the interface (see EffectsOf).
        if (method.IsAbstract || method.IsExtern || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction or MethodKind.ExplicitInterfaceImplementation)
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly))
        {
            return empty;
        }

        var releasesNamed = CallerLocks.Identities(method, _symbols.ReleasesLockAttribute, _symbols);
        var acquiresNamed = CallerLocks.Identities(method, _symbols.AcquiresLockAttribute, _symbols);
        var acquiresRcu = AtomicContextAnalysis.HasAttribute(method, _symbols.AcquiresRcuReadLockAttribute, _symbols);
        if (releasesNamed.Count == 0 && acquiresNamed.Count == 0 && !acquiresRcu && !MentionsLockMethod(method, ct))
        {
            return empty;
        }

        var effects = new List<LockHelperEffect>();
        if (MethodBodies.TryGetGraph(method, _compilation, ct) is not { } graph)
        {
            return acquiresRcu ? ImmutableArray.Create(RcuAcquire()) : empty;
        }

        var flow = LockFlow.Run(graph, method, _symbols, CallerLocks.Of(method, _symbols), ct, followHelpers: false);
        if (flow.Degraded || flow.Incomplete || flow.Scan.HasInvalidOperations)
        {
            return empty;
        }

        // Releases first (a helper that swaps locks drops one, then takes the other).
        var verdicts = PureReleaseVerdicts(flow, method, _symbols, ct);
        var released = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var e in AllEvents(flow))
        {
            if (e.Kind == LockEventKind.Release && e.Release!.Identity is { } identity
                && released.Add(Key(e.Release.Operation!.Family, identity))
                && (releasesNamed.Contains(identity)
                    || (verdicts.TryGetValue(Key(e.Release.Operation.Family, identity), out var verdict) && verdict == ReleaseVerdict.EveryPath)))
            {
                effects.Add(new LockHelperEffect(LockRole.Release, e.Release.Operation, identity, e.Release.Name, releasesNamed.Contains(identity)));
            }
        }

        bool? callsLockingCode = null;
        foreach (var site in HeldOnEveryExit(flow, acquiresNamed))
        {
            // Proved from the body with helpers not followed (one level deep): a call to another method of ours that
            // locks or unlocks may be what releases it (`_lock.Lock(); ...; Release();`). Not provable here: not a helper.
            if (!acquiresNamed.Contains(site.Identity!) && !(site.Family == LockFamily.Rcu && acquiresRcu)
                && (callsLockingCode ??= CallsLockingCode(graph, method, ct)))
            {
                continue;
            }

            effects.Add(new LockHelperEffect(LockRole.Acquire, site.Operation!, site.Identity, site.Name, acquiresNamed.Contains(site.Identity!)
                || (site.Family == LockFamily.Rcu && acquiresRcu)));
        }

        if (acquiresRcu && !effects.Any(effect => effect.Role == LockRole.Acquire && effect.Operation.Family == LockFamily.Rcu))
        {
            effects.Add(RcuAcquire());
        }

        return effects.ToImmutableArray();
    }

    private static LockHelperEffect RcuAcquire() => new(LockRole.Acquire, LockTypes.Operation(LockFamily.Rcu, "ReadLock")!, "rcu", "rcu", annotated: true);

    /// <summary>
    /// The method's own lock sites (one per lock, the earliest) that every path out still holds — exactly once, with
    /// nothing else of its own held — or that an <c>[AcquiresLock]</c> names: an acquire helper.
    /// </summary>
    private static IEnumerable<LockSite> HeldOnEveryExit(LockFlow flow, List<string> named)
    {
        var candidates = flow.Scan.Sites
            .Where(site => site is { IsCaller: false, Escaped: false, Operation: not null, Identity: not null })
            .Select(site => site!)
            .GroupBy(site => Key(site.Family, site.Identity!))
            .Select(group => group.OrderBy(site => site.Id).First())
            .ToList();
        foreach (var site in candidates)
        {
            if (named.Contains(site.Identity!) || (flow.Exits.Count > 0 && flow.Exits.All(exit => exit.Value.States.All(state => HeldOnce(flow, state, site)))))
            {
                yield return site;
            }
        }
    }

    private static bool HeldOnce(LockFlow flow, PathState state, LockSite site)
    {
        if (!state.IsDepthKnown)
        {
            return false;
        }

        var count = 0;
        for (var level = 0; level < state.Depth; level++)
        {
            if (flow.Scan.Sites[state.SiteAt(level)] is { IsCaller: false } held && held.Family == site.Family && held.Identity == site.Identity)
            {
                count++;
            }
        }

        return count == 1;
    }

    /// <summary>
    /// Whether the graph (the compiler's hidden calls included) calls another method of this compilation whose body calls
    /// something named like a lock method.
    /// </summary>
    private bool CallsLockingCode(ControlFlowGraph graph, IMethodSymbol method, CancellationToken ct)
    {
        foreach (var operation in ControlFlowGraphs.AllOperations(graph))
        {
            if (operation is IInvocationOperation invocation
                && RunTarget(invocation) is { } target
                && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _compilation.Assembly)
                && !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, method.OriginalDefinition)
                && MentionsLockMethod(target.OriginalDefinition, ct))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Cheap syntax check before binding: the body calls something named like a lock method.</summary>
    private static bool MentionsLockMethod(IMethodSymbol method, CancellationToken ct)
    {
        if (method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        foreach (var node in method.DeclaringSyntaxReferences[0].GetSyntax(ct).DescendantNodes())
        {
            if (node is InvocationExpressionSyntax invocation)
            {
                var name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                    MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    _ => null,
                };
                if (name is not null && LockTypes.MethodNames.Contains(name))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

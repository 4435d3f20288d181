using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP008: lock and unlock do not balance, for every lock kind (RCU read lock, spinlocks and rwlocks in all their
/// variants, preempt / irq / bh disabling, the runqueue lock). Judged on the lock flow of
/// <see cref="AtomicContextAnalysis"/>:
/// <list type="bullet">
/// <item>a lock still held at an exit on every path reaching it;</item>
/// <item>a release where no path holds that lock;</item>
/// <item>a release with the wrong primitive (<c>LockIrqSave</c> released by <c>Unlock</c>, <c>LocalIrq.Save</c> by <c>Enable</c>);</item>
/// <item>a restore handing back flags another save produced;</item>
/// <item>irqsave sections restored out of order (the outer flags re-enable interrupts under the inner lock).</item>
/// </list>
/// One ID for all of them: each is the same mistake, a lock and its release that do not pair, and the messages say
/// which. In a method whose caller holds a lock (<c>[RcuReadLockHeld]</c>, <c>[LockHeld]</c>, <c>[IrqsDisabled]</c>)
/// that lock counts as held on entry: dropping and retaking it is allowed.
/// </summary>
public sealed class GFP008UnbalancedRcuReadLockAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the release call that pairs with the leaked lock ("_lock.UnlockIrqRestore(flags)").</summary>
    public const string ReleaseCallProperty = "ReleaseCall";

    /// <summary>Diagnostic property of a lock left held: how many times it is held at the exit (absent when paths differ).</summary>
    public const string HeldCountProperty = "HeldCount";

    /// <summary>
    /// Set (to the lock family) when the method returns holding the lock on every path, so that its callers take the lock
    /// as theirs: the code fix then looks for callers that release it before it releases the lock in the method.
    /// </summary>
    public const string HeldForCallersProperty = "HeldForCallers";

    private const string Title = "Lock and unlock do not balance";

    private const string Description =
        "Every lock needs its release, with the matching primitive, on every path out of the function: rcu_read_lock / " +
        "rcu_read_unlock, spin_lock_irqsave / spin_unlock_irqrestore with the same flags, preempt_disable / preempt_enable, " +
        "local_irq_save / local_irq_restore. A section left open keeps the CPU in atomic context after the method returns; " +
        "an unlock without a lock, or with the wrong primitive, corrupts the lock or the interrupt state. Prefer the guard " +
        "forms ('using (l.Lock()) { ... }'), which release on every path.";

    internal static readonly DiagnosticDescriptor LockNotReleased = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "The RCU read lock taken at {0} is still held when '{1}' {2}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    internal static readonly DiagnosticDescriptor UnlockWithoutLock = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "'ReadUnlock()' is called where no RCU read lock is held on any path{0}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    /// <summary>Any other lock kind left held: "'_lock' is still held (spin_lock_irqsave at line 12) when 'M' returns at line 20".</summary>
    internal static readonly DiagnosticDescriptor LockLeftHeld = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "{0} {1} ({2} at {3}) when '{4}' {5}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    /// <summary>
    /// Held at an exit on the paths through a jump that skips the release: "'_lock' is still held (spin_lock at line 8)
    /// when 'Ioctl' returns at line 20: the 'break' at line 11 skips the release at line 14".
    /// </summary>
    internal static readonly DiagnosticDescriptor LockSkippedByJump = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "{0} {1} ({2} at {3}) when '{4}' {5}: the {6} skips the release at line {7}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    /// <summary>"'_lock.Unlock()' is called where '_lock' is not held on any path".</summary>
    internal static readonly DiagnosticDescriptor ReleaseWithoutLock = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "'{0}' is called where {1} {2} on any path{3}",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    /// <summary>"'_lock.Unlock()' does not match the spin_lock_irqsave at line 12: release it with '_lock.UnlockIrqRestore(flags)'".</summary>
    internal static readonly DiagnosticDescriptor WrongRelease = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "'{0}' does not match the {1} at line {2}: release it with '{3}'",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    /// <summary>"'LocalIrq.Restore(outer)' hands back 'outer', not the flags the local_irq_save at line 9 saved in 'inner'".</summary>
    internal static readonly DiagnosticDescriptor FlagsMismatch = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "'{0}' hands back '{1}', not the flags the {2} at line {3} saved in '{4}'",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    /// <summary>"'_a.UnlockIrqRestore(fa)' restores interrupts while the spin_lock_irqsave at line 9, taken after it, is still held".</summary>
    internal static readonly DiagnosticDescriptor RestoreOutOfOrder = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "'{0}' restores the interrupt state of line {1} while the {2} at line {3}, taken after it, is still held: restore in reverse order",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Warning,
        Description);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        LockNotReleased, UnlockWithoutLock, LockLeftHeld, LockSkippedByJump, ReleaseWithoutLock, WrongRelease, FlagsMismatch, RestoreOutOfOrder);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!RuntimeSymbols.TryCreate(start.Compilation, out var symbols))
            {
                return;
            }

            RelevantCode.RegisterOperationBlockAction(start, block => AnalyzeBlock(block, symbols));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, RuntimeSymbols symbols)
    {
        foreach (var root in ControlFlowGraphs.DistinctGraphBlocks(context.OperationBlocks))
        {
            if (!NeedsLockFlow(root, context.OwningSymbol, symbols, context.Compilation, context.CancellationToken))
            {
                continue;
            }

            var cfg = ControlFlowGraphs.Of(context, root);
            foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, context.OwningSymbol, context.CancellationToken))
            {
                var analysis = AtomicContextAnalysis.Create(graph, owner, symbols, context.CancellationToken);
                if (!analysis.HasLockEvents)
                {
                    // No lock taken, released or held by the caller in this graph (a lambda beside the locking code): nothing to balance.
                    continue;
                }

                // Half-typed code may hide a lock or unlock in an operation that does not bind: say nothing.
                if (analysis.Flow.Incomplete || analysis.Flow.Degraded || analysis.Flow.Scan.HasInvalidOperations)
                {
                    continue;
                }

                var releases = CallerLocks.Identities(owner, symbols.ReleasesLockAttribute, symbols);
                // A guard type's Dispose(): it releases what the constructor took (the lock is the guard's user's).
                releases.AddRange(GuardConstructors.LocksTakenByConstructors(owner, context.Compilation, symbols, context.CancellationToken));
                ReportReleases(context, analysis.Flow, releases, owner);
                var acquires = CallerLocks.Identities(owner, symbols.AcquiresLockAttribute, symbols);
                if (AtomicContextAnalysis.HasAttribute(owner, symbols.AcquiresRcuReadLockAttribute, symbols))
                {
                    // [AcquiresRcuReadLock] (__acquires(RCU)): returning with the lock held is the method's job.
                    acquires.Add("rcu");
                }

                // A guard type's constructor: its Dispose() releases what it takes (the lock is the guard's user's).
                acquires.AddRange(GuardConstructors.LocksReleasedByDispose(owner, context.Compilation, symbols, context.CancellationToken));
                if (owner is IMethodSymbol { ReturnType: var returned } && symbols.Locks.IsGuard(returned))
                {
                    // A method that returns a lock guard hands the release to whoever disposes it (a guard factory).
                    continue;
                }

                ISet<string>? heldForCallers = null;
                ISet<string> HeldForCallers() => heldForCallers ??= owner is IMethodSymbol method
                    ? new HashSet<string>(
                        LockHelpers.For(context.Compilation, symbols).EffectsOf(method, context.CancellationToken)
                            .Where(effect => effect.Role == LockRole.Acquire)
                            .Select(effect => GFP008LockLeaks.GroupOf(effect.Operation.Family, effect.Identity ?? effect.Name)),
                        System.StringComparer.Ordinal)
                    : new HashSet<string>(System.StringComparer.Ordinal);
                GFP008LockLeaks.Report(context, analysis.Flow, AtomicContextAnalysis.DisplayName(owner), acquires, HeldForCallers);
            }
        }
    }

    /// <summary>
    /// Cheap pre-check from the block's cached <see cref="FunctionScan"/> (the walk the other rules share): a graph only
    /// for a lock or unlock call that is not a using's guard, or a call to a lock helper of this compilation (written, or
    /// hidden in a foreach or using) or an annotated one of a library. A body that locks only in the guard form
    /// (<c>using (l.Lock()) { ... }</c>, <see cref="UsingGuards"/>) has nothing to report: it releases no lock
    /// explicitly, and the using releases each lock it takes on every path out of it.
    /// </summary>
    private static bool NeedsLockFlow(IOperation root, ISymbol owner, RuntimeSymbols symbols, Compilation compilation, System.Threading.CancellationToken ct)
    {
        var scan = FunctionScan.Of(root, owner, symbols, compilation.Assembly);
        return (scan.ContainsLockCall && !scan.LocksOnlyInUsingGuards) || scan.CallsLockHelper(compilation, symbols, ct);
    }

    /// <summary>Every explicit release: is a matching lock held, with the right primitive, the right flags, in order?</summary>
    private static void ReportReleases(OperationBlockAnalysisContext context, LockFlow flow, List<string> releasedForCaller, ISymbol owner)
    {
        Dictionary<string, ReleaseVerdict>? verdicts = null;
        ReleaseVerdict VerdictOf(LockRelease release)
            => (verdicts ??= LockHelpers.PureReleaseVerdicts(flow, owner, flow.Scan.Symbols, context.CancellationToken))
                .TryGetValue(LockHelpers.Key(release.Operation!.Family, release.Identity ?? string.Empty), out var verdict) ? verdict : ReleaseVerdict.Unjudged;

        var events = flow.Scan.Events;
        for (var block = 0; block < events.Length; block++)
        {
            for (var statement = 0; statement < events[block].Length; statement++)
            {
                if (events[block][statement] is not { } list)
                {
                    continue;
                }

                for (var i = 0; i < list.Length; i++)
                {
                    if (list[i].Kind != LockEventKind.Release)
                    {
                        continue;
                    }

                    var states = flow.StatesBeforeEvent(block, statement, i);
                    if (states.Count > 0 && AllDepthsKnown(states))
                    {
                        ReportRelease(context, flow, list[i], states, releasedForCaller, VerdictOf);
                    }
                }
            }
        }
    }

    private static bool AllDepthsKnown(IReadOnlyList<PathState> states)
    {
        for (var i = 0; i < states.Count; i++)
        {
            if (!states[i].IsDepthKnown)
            {
                return false;
            }
        }

        return true;
    }

    private static void ReportRelease(OperationBlockAnalysisContext context, LockFlow flow, LockEvent e, IReadOnlyList<PathState> states, List<string> releasedForCaller,
        System.Func<LockRelease, ReleaseVerdict> verdictOf)
    {
        var release = e.Release!;
        var operation = release.Operation!;
        // The level each path releases (-1: no matching lock held on it).
        var levels = new int[states.Count];
        var matchedCount = 0;
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = flow.MatchingLevel(release, states[i]);
            matchedCount += levels[i] < 0 ? 0 : 1;
        }

        if (matchedCount == 0)
        {
            // A method that releases a lock it never takes, on every path, is a release helper (like a guard's Dispose,
            // or __releases(l)): its caller's lock is not ours to count. One that releases it on some paths only (a
            // stray unlock on an error path) is reported, unless a bool parameter decides (the caller's call).
            var anySite = flow.Scan.Sites.Any(site => site is not null && release.Matches(site));
            if ((release.Identity is { } identity && releasedForCaller.Contains(identity))
                || (!anySite && (release.Identity is null || verdictOf(release) != ReleaseVerdict.Stray)))
            {
                return;
            }

            var detail = flow.CallerHoldsLock && flow.Scan.CallerSites.Any(id => release.Matches(flow.Scan.Sites[id]!))
                ? " (the caller's lock has already been released)"
                : string.Empty;
            var location = e.Operation.Syntax.GetLocation();
            var call = HiddenCallText.CallText(e.Operation);
            context.ReportDiagnostic(operation.Family == LockFamily.Rcu
                ? Diagnostic.Create(UnlockWithoutLock, location, detail)
                : Diagnostic.Create(ReleaseWithoutLock, location, call, LockSite.NounOf(operation.Family, release.Name), LockSite.NotHeldOf(operation.Family), detail));
            return;
        }

        if (matchedCount < levels.Length)
        {
            return;
        }

        // Every path releases a held site of this lock: judge the site each path releases, when they all agree.
        LockSite? site = null;
        for (var i = 0; i < levels.Length; i++)
        {
            var released = flow.Scan.Sites[states[i].SiteAt(levels[i])]!;
            if (site is not null && site != released)
            {
                return;
            }

            site = released;
        }

        if (site!.Operation is not { } acquire)
        {
            return;
        }

        if (!operation.Pairs(acquire))
        {
            context.ReportDiagnostic(Diagnostic.Create(WrongRelease, e.Operation.Syntax.GetLocation(), HiddenCallText.CallText(e.Operation), acquire.LinuxName, site.Line, site.ExpectedRelease));
            return;
        }

        if (operation.RestoresFlags && release.Flags is { } flags && site.FlagsLocal is { } saved
            && !SymbolEqualityComparer.Default.Equals(flags, saved))
        {
            context.ReportDiagnostic(Diagnostic.Create(FlagsMismatch, e.Operation.Syntax.GetLocation(), HiddenCallText.CallText(e.Operation), flags.Name, acquire.LinuxName, site.Line, saved.Name));
            return;
        }

        if (operation.RestoresFlags)
        {
            // Restoring the outer flags while an inner irqsave section is still open turns interrupts back on under it.
            LockSite? inner = null;
            for (var i = 0; i < levels.Length; i++)
            {
                var (state, level) = (states[i], levels[i]);
                LockSite? found = null;
                for (var above = level + 1; above < state.Depth; above++)
                {
                    if (flow.Scan.Sites[state.SiteAt(above)] is { Operation.Variant: LockVariant.IrqSave } candidate)
                    {
                        found = candidate;
                        break;
                    }
                }

                if (found is null)
                {
                    return;
                }

                inner = inner is null || found.Id < inner.Id ? found : inner;
            }

            if (inner is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(RestoreOutOfOrder, e.Operation.Syntax.GetLocation(), HiddenCallText.CallText(e.Operation), site.Line, inner.Operation!.LinuxName, inner.Line));
            }
        }
    }
}

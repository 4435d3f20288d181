using System;
using System.Collections.Generic;
using System.Linq;
using GfpAnalyzers.Analyzers.AtomicContext;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP008's first case: a lock of the method's own still held where a path leaves it. Judged per exit (a return
/// statement or the end) and per lock (RCU; or one lock identity of one family): reported only when every path
/// reaching that exit still holds it. Caller's locks (attributes) are not the method's own; a caller's lock the
/// method dropped and took again is the caller's again.
/// </summary>
internal static class GFP008LockLeaks
{
    /// <param name="heldForCallers">
    /// The locks (<see cref="GroupOf"/>) the method returns holding on every path, which its callers therefore take as
    /// theirs (<see cref="LockHelpers"/>); asked only when a leak is about to be reported.
    /// </param>
    public static void Report(OperationBlockAnalysisContext context, LockFlow flow, string methodName, List<string> acquiredForCaller, Func<ISet<string>> heldForCallers)
    {
        if (!MayLeak(flow, acquiredForCaller))
        {
            // No path leaves holding a lock of the method's own (the usual, balanced method): nothing to place or group.
            return;
        }

        // Group the branches into the exit block by the return statement (or end) they come from.
        var byExit = new Dictionary<SyntaxNode, (MethodExit Exit, List<PathState> States)>();
        var allMapped = true;
        foreach (var pair in flow.Exits)
        {
            if (ExitLocator.Locate(pair.Key) is not { } exit)
            {
                allMapped = false;
                continue;
            }

            if (!byExit.TryGetValue(exit.Node, out var entry))
            {
                entry = (exit, new List<PathState>());
                byExit.Add(exit.Node, entry);
            }

            pair.Value.CopyTo(entry.States);
        }

        foreach (var (exit, states) in byExit.Values.OrderBy(e => e.Exit.Location.SourceSpan.Start))
        {
            // A branch we could not place may belong to any exit that has neither return value nor statement
            // of its own (a `return;` or the end); those exits then say nothing rather than guess.
            if (!allMapped && (exit.IsEnd || exit.Node is ReturnStatementSyntax { Expression: null }))
            {
                continue;
            }

            ReportExit(context, flow, methodName, acquiredForCaller, heldForCallers, exit, states);
        }
    }

    private static void ReportExit(OperationBlockAnalysisContext context, LockFlow flow, string methodName, List<string> acquiredForCaller, Func<ISet<string>> heldForCallers, MethodExit exit, List<PathState> states)
    {
        if (states.Count == 0 || states.Any(state => !state.IsDepthKnown))
        {
            return;
        }

        // Per lock: the sites leaked on each path. A lock is reported when every path leaks one of its sites.
        var leaksPerState = states.Select(state => Leaked(flow, state, acquiredForCaller)).ToList();
        var groups = leaksPerState.SelectMany(leaks => leaks).Select(Group).Distinct().OrderBy(g => g, System.StringComparer.Ordinal);
        var how = exit.IsEnd ? "reaches its end" : $"returns at line {exit.Line}";
        foreach (var group in groups)
        {
            if (!leaksPerState.All(leaks => leaks.Any(site => Group(site) == group)))
            {
                ReportSkippedRelease(context, flow, methodName, how, exit, leaksPerState.SelectMany(leaks => leaks).Where(site => Group(site) == group));
                continue;
            }

            var sites = leaksPerState.SelectMany(leaks => leaks).Where(site => Group(site) == group).Distinct().OrderBy(site => site.Line).ToList();
            var lines = Lines(new SortedSet<int>(sites.Select(site => site.Line))) + (sites.Count == 1 ? TakenBy(sites[0]) : string.Empty);
            var first = sites[0];
            // Callers of a method that returns holding the lock on every path take it as theirs (an unannotated acquire
            // helper) and may release it themselves: the code fix must then not release it here (it looks for them).
            var heldCount = HeldCount(leaksPerState, group);
            if (heldForCallers().Contains(group))
            {
                heldCount = heldCount.Add(GFP008UnbalancedRcuReadLockAnalyzer.HeldForCallersProperty, first.Family.ToString());
            }
            if (first.Family == LockFamily.Rcu)
            {
                context.ReportDiagnostic(Diagnostic.Create(GFP008UnbalancedRcuReadLockAnalyzer.LockNotReleased, exit.Location, heldCount, lines, methodName, how));
                continue;
            }

            var primitives = string.Join("/", sites.Select(site => site.Operation!.LinuxName).Distinct());
            var releases = sites.Select(site => site.ExpectedRelease).Distinct().ToList();
            // The release the code fix inserts; empty when there is no single one to write (mixed primitives, flags not in a local).
            var release = releases.Count == 1 && (first.Operation!.Variant != LockVariant.IrqSave || first.FlagsLocal is not null) ? releases[0] : string.Empty;
            var properties = heldCount.Add(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseCallProperty, release);
            context.ReportDiagnostic(Diagnostic.Create(
                GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld, exit.Location, properties, Capitalized(first.Noun), first.StillHeld, primitives, lines, methodName, how));
        }
    }

    /// <summary>
    /// How many times the lock is held at the exit, when every path agrees (nested sections of one lock need as many
    /// releases); no property when paths differ, so the code fix, which releases a fixed number of times, declines.
    /// </summary>
    private static System.Collections.Immutable.ImmutableDictionary<string, string?> HeldCount(List<List<LockSite>> leaksPerState, string group)
    {
        var counts = leaksPerState.Select(leaks => leaks.Count(site => Group(site) == group)).Distinct().ToList();
        var properties = System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty;
        return counts.Count == 1
            ? properties.Add(GFP008UnbalancedRcuReadLockAnalyzer.HeldCountProperty, counts[0].ToString(System.Globalization.CultureInfo.InvariantCulture))
            : properties;
    }

    /// <summary>
    /// Held on some paths only: reported when a jump visibly skips the release (<see cref="GFP008SkippedReleases"/>), at
    /// most once per exit and lock, for the earliest such site. No fix: the release belongs before the jump, not here.
    /// </summary>
    private static void ReportSkippedRelease(OperationBlockAnalysisContext context, LockFlow flow, string methodName, string how, MethodExit exit, IEnumerable<LockSite> sites)
    {
        foreach (var site in sites.Distinct().OrderBy(site => site.Location!.SourceSpan.Start))
        {
            if (GFP008SkippedReleases.Find(flow, site) is not var (jump, release))
            {
                continue;
            }

            var properties = System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty.Add(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseCallProperty, string.Empty);
            context.ReportDiagnostic(Diagnostic.Create(GFP008UnbalancedRcuReadLockAnalyzer.LockSkippedByJump, exit.Location, properties,
                Capitalized(site.Noun), site.StillHeld, site.Operation!.LinuxName, "line " + site.Line + TakenBy(site), methodName, how,
                GFP008SkippedReleases.Describe(jump), GFP008SkippedReleases.Line(release)));
            return;
        }
    }

    /// <summary>
    /// Some path into the exit block holds a site <see cref="Leaked"/> could return (a path of unknown depth reports
    /// nothing). Without one, no exit has a lock to report.
    /// </summary>
    private static bool MayLeak(LockFlow flow, List<string> acquiredForCaller)
    {
        foreach (var exit in flow.Exits)
        {
            var states = exit.Value.States;
            for (var i = 0; i < states.Count; i++)
            {
                var state = states[i];
                if (!state.IsDepthKnown)
                {
                    continue;
                }

                for (var level = 0; level < state.Depth; level++)
                {
                    if (flow.Scan.Sites[state.SiteAt(level)] is { } site && IsOwn(site, acquiredForCaller))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>A site of the method's own that it must release: not the caller's, not an escaped guard, not a lock it returns on purpose.</summary>
    private static bool IsOwn(LockSite site, List<string> acquiredForCaller)
        => !site.IsCaller && !site.Escaped && !site.ReportedInHelper && !(site.Identity is { } identity && acquiredForCaller.Contains(identity));

    /// <summary>The method's own sites still held on a path, minus escaped guards, locks returned on purpose, and retaken caller locks.</summary>
    private static List<LockSite> Leaked(LockFlow flow, PathState state, List<string> acquiredForCaller)
    {
        var held = new List<LockSite>();
        for (var level = 0; level < state.Depth; level++)
        {
            if (flow.Scan.Sites[state.SiteAt(level)] is { } site)
            {
                held.Add(site);
            }
        }

        // A caller's lock released and taken again on this path: the retaken site is the caller's lock again.
        var missingCallerLocks = flow.Scan.CallerSites.Select(id => flow.Scan.Sites[id]!).Where(caller => !held.Contains(caller)).ToList();
        var leaked = new List<LockSite>();
        foreach (var site in held)
        {
            if (!IsOwn(site, acquiredForCaller))
            {
                continue;
            }

            var retaken = missingCallerLocks.FirstOrDefault(caller => SameLock(caller, site));
            if (retaken is not null)
            {
                missingCallerLocks.Remove(retaken);
                continue;
            }

            leaked.Add(site);
        }

        return leaked;
    }

    private static bool SameLock(LockSite caller, LockSite site)
        => (caller.Family == site.Family || caller.Family == LockFamily.Named) && (caller.Identity is null || caller.Identity == site.Identity);

    /// <summary>RCU sites form one group (as ever); other locks group by family and identity.</summary>
    private static string Group(LockSite site) => GroupOf(site.Family, site.Identity ?? site.Name);

    /// <summary>One key per lock: every RCU read lock is one, other locks by family and identity.</summary>
    public static string GroupOf(LockFamily family, string identity) => family == LockFamily.Rcu ? "rcu" : family + ":" + identity;

    /// <summary>" by the foreach's call to 'Pool.GetEnumerator()'" for a lock taken by a call the compiler adds; otherwise empty.</summary>
    private static string TakenBy(LockSite site) => site.TakenBy is null ? string.Empty : " by " + site.TakenBy;

    private static string Capitalized(string text) => text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text.Substring(1) : text;

    private static string Lines(SortedSet<int> lines)
    {
        var list = lines.ToList();
        return list.Count == 1
            ? "line " + list[0]
            : "lines " + string.Join(", ", list.Take(list.Count - 1)) + " and " + list[list.Count - 1];
    }
}

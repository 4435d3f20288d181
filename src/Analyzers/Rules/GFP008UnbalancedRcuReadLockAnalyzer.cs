using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP008: an explicit <c>ReadLock()</c> still held where a path leaves the method, or a <c>ReadUnlock()</c>
/// where no read lock is held. Judged on the lock flow of <see cref="AtomicContextAnalysis"/>: a leak is
/// reported at an exit only when the lock is held on every path reaching that exit, an unlock only when
/// no path reaching it holds a lock — so conditional locking that is balanced by the same condition is quiet.
/// In a <c>[RcuReadLockHeld]</c> method the caller's lock counts as held on entry: releasing it (and taking it
/// again) is allowed; leaving with more than it is a leak.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GFP008UnbalancedRcuReadLockAnalyzer : DiagnosticAnalyzer
{
    private const string Title = "RCU read lock and unlock do not balance";

    private const string Description =
        "Every rcu_read_lock() needs its rcu_read_unlock() on every path out of the function. A section left open " +
        "keeps the CPU in atomic context after the method returns (and blocks grace periods); an unlock without a lock " +
        "corrupts the nesting count. Prefer 'using (rcu.ReadLock()) { ... }', which releases on every path.";

    internal static readonly DiagnosticDescriptor LockNotReleased = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "The RCU read lock taken at {0} is still held when '{1}' {2}",
        RuleCategories.Rcu,
        DiagnosticSeverity.Warning,
        Description);

    internal static readonly DiagnosticDescriptor UnlockWithoutLock = RuleDescriptors.Create(
        DiagnosticIds.UnbalancedRcuReadLock,
        Title,
        "'ReadUnlock()' is called where no RCU read lock is held on any path{0}",
        RuleCategories.Rcu,
        DiagnosticSeverity.Warning,
        Description);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(LockNotReleased, UnlockWithoutLock);

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

            start.RegisterOperationBlockAction(block => AnalyzeBlock(block, symbols));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, RuntimeSymbols symbols)
    {
        foreach (var root in ControlFlowGraphs.DistinctGraphBlocks(context.OperationBlocks))
        {
            if (!ContainsLockCall(root, symbols))
            {
                continue;
            }

            var cfg = context.GetControlFlowGraph(root);
            foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, context.OwningSymbol, context.CancellationToken))
            {
                var analysis = AtomicContextAnalysis.Create(graph, owner, symbols, context.CancellationToken);
                // Half-typed code may hide a lock or unlock in an operation that does not bind: say nothing.
                if (analysis.Flow.Incomplete || analysis.Flow.Degraded || analysis.Flow.Scan.HasInvalidOperations)
                {
                    continue;
                }

                ReportUnlocksWithoutLock(context, analysis.Flow);
                if (!AtomicContextAnalysis.HasAttribute(owner, symbols.AcquiresRcuReadLockAttribute, symbols))
                {
                    // [AcquiresRcuReadLock] (__acquires(RCU)): returning with the lock held is the method's job.
                    ReportLeakedLocks(context, analysis.Flow, AtomicContextAnalysis.DisplayName(owner));
                }
            }
        }
    }

    /// <summary>Cheap pre-check on the operation tree: no lock or unlock call, no graph.</summary>
    private static bool ContainsLockCall(IOperation root, RuntimeSymbols symbols)
    {
        foreach (var operation in root.Descendants())
        {
            if (operation is IInvocationOperation invocation
                && (symbols.IsReadLock(invocation.TargetMethod) || symbols.IsReadUnlock(invocation.TargetMethod)))
            {
                return true;
            }
        }

        return false;
    }

    private static void ReportUnlocksWithoutLock(OperationBlockAnalysisContext context, LockFlow flow)
    {
        // A method that releases without ever locking is a release helper (like RcuReadGuard.Dispose): its
        // caller's lock is not ours to count. [RcuReadLockHeld] says how many locks it starts with.
        if (flow.Scan.Sites.Count == 1 && !flow.CallerHoldsLock)
        {
            return;
        }

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
                    if (list[i].Kind != RcuEventKind.Unlock)
                    {
                        continue;
                    }

                    var states = flow.StatesBeforeEvent(block, statement, i);
                    if (states.Count > 0 && states.All(state => state.Depth == 0))
                    {
                        var detail = flow.CallerHoldsLock ? " (the caller's lock has already been released)" : string.Empty;
                        context.ReportDiagnostic(Diagnostic.Create(UnlockWithoutLock, list[i].Operation.Syntax.GetLocation(), detail));
                    }
                }
            }
        }
    }

    private static void ReportLeakedLocks(OperationBlockAnalysisContext context, LockFlow flow, string methodName)
    {
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

            entry.States.AddRange(pair.Value.States);
        }

        var baseDepth = flow.CallerHoldsLock ? 1 : 0;
        foreach (var (exit, states) in byExit.Values)
        {
            // A branch we could not place may belong to any exit that has neither return value nor statement
            // of its own (a `return;` or the end); those exits then say nothing rather than guess.
            if (!allMapped && (exit.IsEnd || exit.Node is Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax { Expression: null }))
            {
                continue;
            }

            // Every path must still hold a lock of this method's own beyond what it started with.
            var sites = new SortedSet<int>();
            var everyPathLeaks = states.Count > 0;
            foreach (var state in states)
            {
                var leaks = false;
                for (var level = baseDepth; state.IsDepthKnown && level < state.Depth; level++)
                {
                    var id = state.SiteAt(level);
                    if (!flow.Scan.EscapedSites.Contains(id) && flow.Scan.Sites[id] is { } site)
                    {
                        sites.Add(site.GetLineSpan().StartLinePosition.Line + 1);
                        leaks = true;
                    }
                }

                everyPathLeaks &= leaks;
            }

            if (!everyPathLeaks)
            {
                continue;
            }

            var how = exit.IsEnd ? "reaches its end" : $"returns at line {exit.Line}";
            context.ReportDiagnostic(Diagnostic.Create(LockNotReleased, exit.Location, Lines(sites), methodName, how));
        }
    }

    private static string Lines(SortedSet<int> lines)
    {
        var list = lines.ToList();
        return list.Count == 1
            ? "line " + list[0]
            : "lines " + string.Join(", ", list.Take(list.Count - 1)) + " and " + list[list.Count - 1];
    }
}

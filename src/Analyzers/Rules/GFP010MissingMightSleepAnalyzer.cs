using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP010: a public method whose summary says it may sleep (whatever flags its callers pass) carries no
/// <c>[MightSleep]</c>. Inside this compilation GFP009 follows the summary; a caller in another assembly sees only
/// the attribute, as the kernel's callers see <c>might_sleep()</c>. Suggestion, with a fix that adds the attribute.
/// </summary>
public sealed class GFP010MissingMightSleepAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.MissingMightSleep,
        title: "Public method that may sleep is not marked [MightSleep]",
        messageFormat: "'{0}' may sleep ({1}) but is not marked [MightSleep]: callers in other assemblies cannot see it",
        RuleCategories.AtomicContext,
        DiagnosticSeverity.Info,
        description: "Summaries of a method's body tell GFP009 that a call may sleep, but only inside this compilation. "
            + "Another assembly calling the method in atomic context sees only its attributes. Mark public methods that "
            + "may sleep with [MightSleep], as the kernel marks them with might_sleep().");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!RuntimeSymbols.TryCreate(start.Compilation, out var symbols) || symbols.MightSleepAttribute is null)
            {
                return;
            }

            var compilation = start.Compilation;
            RelevantCode.RegisterOperationBlockAction(start, block => Analyze(block, symbols, compilation));
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, RuntimeSymbols symbols, Compilation compilation)
    {
        // Cheapest first: the symbol's shape, then the shared scan of the body, then attributes, then the call graph.
        if (context.OwningSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.Constructor } method
            || method.PartialImplementationPart is not null
            || !IsVisibleOutside(method))
        {
            return;
        }

        var attributesChecked = false;
        foreach (var block in ControlFlowGraphs.DistinctGraphBlocks(context.OperationBlocks))
        {
            // A body with no call that may sleep and no allocation cannot sleep. A method that takes locks itself is
            // judged inside by GFP001/GFP009 (a sleep under its own lock is the mistake to fix, not to annotate).
            var root = FunctionScan.RootOf(block);
            var top = FunctionScan.Of(root, method, symbols, compilation.Assembly).Functions[0];
            if ((top.Calls.Count == 0 && !top.HasAllocations) || top.HasLockCalls)
            {
                continue;
            }

            if (!attributesChecked)
            {
                if (IsMarkedOrAtomic(method, symbols))
                {
                    return;
                }

                attributesChecked = true;
            }

            // Nothing it may call, at any depth, allocates or sleeps: no summary could say it sleeps (most ordinary code).
            // An allocation or a sleeping call of its own answers that question without the walk.
            if (!top.HasAllocations && !CallsSleepingMember(top)
                && !SleepReach.For(compilation, symbols).MayReachSleep(root, context.CancellationToken))
            {
                continue;
            }

            var store = SummaryStore.For(compilation, symbols);
            if (store.WantsGraphOf(method))
            {
                store.Offer(method, ControlFlowGraphs.Of(context, block), context.CancellationToken);
            }

            if (SleepExplanation.Of(store.Get(method, context.CancellationToken), symbols.Bits) is { } why
                && !method.Locations.IsEmpty)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, method.Locations[0], SummaryStore.NameOf(method), $"it {why}"));
            }
        }
    }

    /// <summary>Already [MightSleep], or atomic by an attribute (a method that runs in atomic context must not sleep at all: GFP009 reports its sleeps inside).</summary>
    private static bool IsMarkedOrAtomic(IMethodSymbol method, RuntimeSymbols symbols)
        => AtomicContextAnalysis.HasAttribute(method, symbols.MightSleepAttribute, symbols)
           || AtomicContextAnalysis.HasAttribute(method, symbols.AllocationHookAttribute, symbols)
           || AtomicContextAnalysis.HasAttribute(method, symbols.RunsInAtomicContextAttribute, symbols)
           || CallerLocks.Of(method, symbols).Count > 0;

    /// <summary>The function calls Rcu.Synchronize() or a [MightSleep] member itself (SleepReach would answer true at once).</summary>
    private static bool CallsSleepingMember(FunctionInfo function)
    {
        var calls = function.Calls;
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].Kind is SleepingCallKind.Synchronize or SleepingCallKind.MightSleep)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Public, in public types all the way out: what another assembly can call.</summary>
    internal static bool IsVisibleOutside(ISymbol symbol)
    {
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }
}

// Every page allocation of an operation block, with the graph it belongs to.
//
//   foreach (var site in AllocationSites.Find(blockContext, symbols, MayReport)) { site.Graph, site.Owner, site.Invocation, site.FlagsArgument }
//
// Graphs are built (through the driver's cache, shared by every analyzer) only for blocks that contain an
// AllocPage/AllocPages call that the rule's MayReport (a question about the call in the operation tree:
// TreeAllocation) cannot rule out; lambdas and local functions come with their own graphs and owners.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Operations;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>One <c>AllocPage</c>/<c>AllocPages</c> call that binds, in its control-flow graph.</summary>
internal readonly struct AllocationSite
{
    public AllocationSite(ControlFlowGraph graph, ISymbol owner, IInvocationOperation invocation, IArgumentOperation flagsArgument)
    {
        Graph = graph;
        Owner = owner;
        Invocation = invocation;
        FlagsArgument = flagsArgument;
    }

    /// <summary>The graph the invocation belongs to (the method's, or a lambda's or local function's).</summary>
    public ControlFlowGraph Graph { get; }

    /// <summary>The method, lambda or local function whose body the graph is.</summary>
    public ISymbol Owner { get; }

    public IInvocationOperation Invocation { get; }

    public IArgumentOperation FlagsArgument { get; }

    /// <summary>
    /// True when the flags expression as written, or the call around it, does not fully bind or parse (a
    /// condition that does not bind is lowered out of the value the graph computes, so look at the source).
    /// </summary>
    public bool IsIncomplete()
    {
        if (Invocation.Syntax.ContainsDiagnostics)
        {
            return true;
        }

        var model = Graph.OriginalOperation.SemanticModel;
        var expression = FlagsArgument.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax argument ? argument.Expression : null;
        if (model is null || expression is null || model.GetOperation(expression) is not { } written)
        {
            return true;
        }

        foreach (var operation in written.DescendantsAndSelf())
        {
            if (operation is IInvalidOperation || operation.Type is { TypeKind: TypeKind.Error })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where flag diagnostics go: the flags expression as written.</summary>
    public Location FlagsLocation
        => FlagsArgument.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax argument
            ? argument.Expression.GetLocation()
            : FlagsArgument.Value.Syntax.GetLocation();
}

internal static class AllocationSites
{
    /// <summary>
    /// Runs <paramref name="analyze"/> on every operation block once the runtime's symbols resolve for the
    /// compilation; registers nothing when the runtime is not referenced.
    /// </summary>
    public static void RegisterBlockAction(AnalysisContext context, System.Action<OperationBlockAnalysisContext, RuntimeSymbols> analyze)
        => context.RegisterCompilationStartAction(start =>
        {
            if (RuntimeSymbols.TryCreate(start.Compilation, out var symbols))
            {
                Relevance.RelevantCode.RegisterOperationBlockAction(start, block => analyze(block, symbols));
            }
        });

    /// <summary>The flags reaching <paramref name="site"/> on any path (the graph's analysis is shared and cached).</summary>
    public static FlagValue FlagValueOf(AllocationSite site, RuntimeSymbols symbols, System.Threading.CancellationToken cancellationToken)
        => FlagValueAnalysis.GetOrCreate(site.Graph, symbols, cancellationToken).GetValue(site.FlagsArgument.Value);

    /// <summary>
    /// The bits of a site whose flags argument is a compile-time constant (<c>Gfp.High | Gfp.NoCodetag</c>), read from
    /// the constant: no evaluation, no graph analysis. Null for any other argument. A constant does not depend on the
    /// state, so wherever the graph's analysis gives the site a value it has exactly these bits, with constant origins
    /// that cover them; but that analysis may also give it none (code it finds unreachable, a method it gave up on), so
    /// a rule may use these bits to skip a site, never to report one.
    /// </summary>
    public static uint? ConstantFlagBits(AllocationSite site, RuntimeSymbols symbols) => ConstantBitsOf(site.FlagsArgument.Value, symbols);

    /// <summary>The bits of a flags argument's value that is a compile-time constant of type Gfp; null for any other value.</summary>
    internal static uint? ConstantBitsOf(IOperation value, RuntimeSymbols symbols)
        => value.ConstantValue.HasValue && symbols.IsGfp(value.Type) && FlagEvaluator.TryToUInt32(value.ConstantValue.Value, out var bits)
            ? bits
            : null;

    /// <summary>True when <paramref name="predicate"/> holds for the flags on some set of paths the analysis kept apart.</summary>
    public static bool AnyPath(AllocationSite site, RuntimeSymbols symbols, System.Threading.CancellationToken cancellationToken, System.Func<FlagValue, bool> predicate)
        => FlagValueAnalysis.GetOrCreate(site.Graph, symbols, cancellationToken).AnyPath(site.FlagsArgument.Value, predicate);

    /// <summary>
    /// The allocation sites of each graph, found once: three rules ask for the sites of the same graphs (the driver's
    /// graph of a root, shared through <see cref="ControlFlowGraphs.Of"/>), and the walk reads every operation.
    /// </summary>
    private static readonly PerGraphCache<AllocationSite[]> SitesOfGraph = new();

    /// <summary>The walk's stack, kept per thread between walks (no growth, no garbage).</summary>
    [System.ThreadStatic]
    private static OperationStack? s_spareStack;

    /// <summary>Whether <paramref name="mayReport"/> holds for some allocation call of the scanned body.</summary>
    private static bool AnyMayReport(MethodScan scan, RuntimeSymbols symbols, OperationBlockAnalysisContext context, System.Func<TreeAllocation, bool> mayReport)
    {
        foreach (var call in scan.Allocations)
        {
            if (mayReport(new TreeAllocation((IInvocationOperation)call, scan, symbols, context)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every allocation of the operation blocks of <paramref name="context"/> that binds and runs, graph by graph (the
    /// method's, then its lambdas' and local functions'), each graph's in operation order; only for bodies where
    /// <paramref name="mayReport"/> holds for some allocation of the operation tree (the rest need no graph for this rule).
    /// </summary>
    public static IEnumerable<AllocationSite> Find(OperationBlockAnalysisContext context, RuntimeSymbols symbols, System.Func<TreeAllocation, bool> mayReport)
    {
        foreach (var block in context.OperationBlocks)
        {
            if (!ControlFlowGraphs.HasGraph(block))
            {
                continue;
            }

            var root = FunctionScan.RootOf(block);
            var scan = FunctionScan.Of(root, context.OwningSymbol, symbols, context.Compilation.Assembly);
            if (!scan.ContainsAllocation(block) || !AnyMayReport(scan, symbols, context, mayReport))
            {
                continue;
            }

            var cfg = ControlFlowGraphs.Of(context, block);
            foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, context.OwningSymbol, context.CancellationToken))
            {
                foreach (var site in SitesOf(graph, owner, symbols))
                {
                    yield return site;
                }
            }
        }
    }

    /// <summary>The sites of one graph, from the cache when the same owner asked before (the owner is part of each site).</summary>
    private static AllocationSite[] SitesOf(ControlFlowGraph graph, ISymbol owner, RuntimeSymbols symbols)
        => SitesOfGraph.Get(graph, owner, symbols, static (g, o, s) => Walk(g, o, s));

    private static AllocationSite[] Walk(ControlFlowGraph graph, ISymbol owner, RuntimeSymbols symbols)
    {
        // Taken, not shared: a walk started inside this one (none today) would get a stack of its own.
        var pending = s_spareStack ?? new OperationStack();
        s_spareStack = null;
        List<AllocationSite>? sites = null;
        foreach (var basicBlock in graph.Blocks)
        {
            if (!basicBlock.IsReachable)
            {
                // Under a constant-false condition (`if (false)`, a translated IS_ENABLED(CONFIG_...) const):
                // the code never runs, so none of its allocations is a bug.
                continue;
            }

            foreach (var operation in basicBlock.Operations)
            {
                Collect(graph, owner, operation, symbols, pending, ref sites);
            }

            if (basicBlock.BranchValue is { } branchValue)
            {
                Collect(graph, owner, branchValue, symbols, pending, ref sites);
            }
        }

        s_spareStack = pending;
        return sites?.ToArray() ?? System.Array.Empty<AllocationSite>();
    }

    /// <summary>
    /// Adds the allocations under <paramref name="root"/>, in the order <c>DescendantsAndSelf</c> lists them, walking
    /// with the caller's stack (no enumerator per operation; no call-stack depth).
    /// </summary>
    private static void Collect(ControlFlowGraph graph, ISymbol owner, IOperation root, RuntimeSymbols symbols, OperationStack pending, ref List<AllocationSite>? sites)
    {
        pending.Push(root);
        while (pending.Count > 0)
        {
            var (operation, _) = pending.Pop();
            if (operation.Kind == OperationKind.Invocation
                && operation is IInvocationOperation invocation
                && symbols.IsAllocation(invocation.TargetMethod)
                && symbols.FlagsArgument(invocation) is { } flags)
            {
                (sites ??= new List<AllocationSite>()).Add(new AllocationSite(graph, owner, invocation, flags));
            }

            foreach (var child in operation.ChildOperations.Reverse())
            {
                pending.Push(child);
            }
        }
    }
}

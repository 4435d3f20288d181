// GFP002 / GFP003 / GFP005 at calls: the flags a call passes reach an allocation inside the callee (at any depth,
// through the callee's summary, see Interprocedural/SummaryStore). Reported at the call in the caller — the
// outermost place where the mistake can be seen — at most one diagnostic per call, in the order of
// AllocationContextAnalyzer (a DirectReclaim that makes the call sleep is GFP009's, reported by that rule):
//   1. GFP003  DirectReclaim from this call's unknown flags reaches an allocation         (atomic context)
//   2. GFP002  KswapdReclaim from this call's constants reaches an allocation              (where kswapd counts)
//   3. GFP003  KswapdReclaim, NoFail, ThisNode or zone bits from unknown flags            (atomic context)
//   4. GFP005  NoFail from this call's constants reaches an allocation without DirectReclaim (anywhere)
// Only bits this call supplies are judged here; the callee's own constants and fields are judged in its body.
// These diagnostics carry no fix properties: the flags to change are in the argument, a caller's decision.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Options;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Reports flags passed to a method of the compilation that reach one of its allocations with a hazard.</summary>
public sealed class FlagsThroughCallsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        GFP002KswapdWakeupInAtomicContext.Rule,
        GFP003InheritedFlagsInAtomicContext.Rule,
        GFP005NoFailWithoutDirectReclaimAnalyzer.Rule);

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

            var compilation = start.Compilation;
            RelevantCode.RegisterOperationBlockAction(start, block => AnalyzeBlock(block, symbols, compilation));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, RuntimeSymbols symbols, Compilation compilation)
    {
        var ct = context.CancellationToken;
        foreach (var block in ControlFlowGraphs.DistinctGraphBlocks(context.OperationBlocks))
        {
            // Cheap first, from the shared scan of the body: some call passes Gfp flags to a method with a body here.
            var root = FunctionScan.RootOf(block);
            var scan = FunctionScan.Of(root, context.OwningSymbol, symbols, compilation.Assembly);
            if (!scan.PassesFlagsToOwnMethod)
            {
                continue;
            }

            // Outside atomic context only GFP005 can be reported at a call (Judge), and only for NoFail from a constant
            // of this body: without one, only calls in functions that may be atomic (AtomicContextCandidates, as
            // GFP009 asks) are judged, and a body with none needs no graph here.
            var mayPassConstantNoFail = (ConstantSourceBits.Of(root, symbols) & symbols.Bits.NoFail) != 0;
            bool MayBeAtomic(FunctionInfo? function)
                => function is null // in code that never runs: no facts, so no shortcut
                   || AtomicContextCandidates.MayBeAtomic(function, scan, compilation, symbols, ct);

            if (!mayPassConstantNoFail && !scan.Functions.Any(MayBeAtomic))
            {
                continue;
            }

            var cfg = ControlFlowGraphs.Of(context, block);
            foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, context.OwningSymbol, ct))
            {
                var mayBeAtomic = MayBeAtomic(scan.FunctionOf(owner));
                if (!mayBeAtomic && !mayPassConstantNoFail)
                {
                    continue;
                }

                AtomicContextAnalysis? contexts = null;
                foreach (var (operation, index) in ControlFlowGraphs.OperationsWithBlocks(graph))
                {
                    var (kind, callee) = SleepingCalls.Classify(operation, symbols, compilation.Assembly);
                    if (kind != SleepingCallKind.SourceMethod || !FunctionScan.PassesFlags(operation, symbols))
                    {
                        continue;
                    }

                    // The context before the callee's summary: a call outside atomic context in a body without a NoFail
                    // constant is not judged, and its callee needs no summary (GFP009 asks only in atomic context too).
                    AtomicContext.AtomicContext? atomic = null;
                    if (mayBeAtomic)
                    {
                        contexts ??= AtomicContextAnalysis.Create(graph, owner, symbols, ct);
                        atomic = contexts.GetContext(operation);
                    }

                    // Then the call site, which reads the callee's summary first: most callees reach no allocation, and
                    // then the caller's conditions and flags are not needed (only flows arriving through the call count).
                    if ((atomic is null && !mayPassConstantNoFail)
                        || CallSite.Create(operation, callee!, graph, index, owner, symbols, compilation, ct, flowsOnly: true) is not { } site)
                    {
                        continue;
                    }

                    var kswapdContext = atomic is null ? null : GfpAnalyzerOptions.Gfp002Scope(context.Options, operation.Syntax.SyntaxTree) switch
                    {
                        KswapdScope.All => atomic,
                        KswapdScope.AllocationHooks => atomic.Kind == AtomicContextKind.AllocationHook ? atomic : null,
                        _ => contexts!.GetSchedulerLockContext(operation),
                    };
                    if (Judge(site, operation.Syntax.GetLocation(), atomic, kswapdContext, symbols) is { } diagnostic)
                    {
                        context.ReportDiagnostic(diagnostic);
                    }
                }
            }
        }
    }

    private static Diagnostic? Judge(CallSite site, Location location, AtomicContext.AtomicContext? atomic, AtomicContext.AtomicContext? kswapdContext, RuntimeSymbols symbols)
    {
        var bits = symbols.Bits;
        var hazards = bits.DirectReclaim | bits.KswapdReclaim | bits.NoFail | bits.ThisNode | bits.ZoneMask;
        var flows = new List<ArrivingFlow>(site.Flows());
        if (atomic is not null)
        {
            foreach (var arriving in flows)
            {
                if (arriving.Decided && !arriving.Flow.InSection && (arriving.Value.ConstantBits & bits.DirectReclaim) != 0)
                {
                    // The call may sleep: GFP009 reports it, and that is the mistake to fix first.
                    return null;
                }
            }

            var kswapdCounts = kswapdContext is not null;
            for (var pass = 1; pass <= 3; pass++)
            {
                foreach (var arriving in flows)
                {
                    // An allocation inside an atomic section of the callee is judged there, in every atomic context, for
                    // every hazard but a kswapd wake-up (which counts only where this caller is): once per mistake.
                    var judgedHere = arriving.Flow.InSection ? bits.KswapdReclaim : uint.MaxValue;
                    var inherited = Passed(arriving, constant: false) & hazards & judgedHere & (kswapdCounts ? uint.MaxValue : ~bits.KswapdReclaim);
                    var diagnostic = pass switch
                    {
                        1 when (inherited & bits.DirectReclaim) != 0 => Inherited(site, arriving, location, atomic, inherited, symbols),
                        2 when kswapdCounts && (Passed(arriving, constant: true) & bits.KswapdReclaim) != 0
                            => Diagnostic.Create(GFP002KswapdWakeupInAtomicContext.Rule, location, kswapdContext!.Describe(),
                                $"{Sources(arriving, bits.KswapdReclaim, constant: true)} passed by this call, through {site.Path(arriving.Flow)} at line {arriving.Flow.Line}"),
                        3 when inherited != 0 => Inherited(site, arriving, location, kswapdCounts && (inherited & ~bits.KswapdReclaim) == 0 ? kswapdContext! : atomic, inherited, symbols),
                        _ => null,
                    };
                    if (diagnostic is not null)
                    {
                        return diagnostic;
                    }
                }
            }
        }

        foreach (var arriving in flows)
        {
            var value = arriving.Value;
            if (arriving.Decided && (Passed(arriving, constant: true) & bits.NoFail) != 0 && !value.MustHave(bits.DirectReclaim)
                && (value.UnknownBits & bits.DirectReclaim) == 0 && bits.DirectReclaim != 0)
            {
                var directReclaimSomewhere = (value.May & bits.DirectReclaim) != 0;
                return Diagnostic.Create(GFP005NoFailWithoutDirectReclaimAnalyzer.Rule, location,
                    Sources(arriving, bits.NoFail, constant: true),
                    $"{(directReclaimSomewhere ? " on some paths" : string.Empty)} once it reaches {arriving.Flow.Allocation} at line {arriving.Flow.Line} through {site.Path(arriving.Flow)}");
            }
        }

        return null;
    }

    /// <summary>The bits of the arriving flags that this call supplies (not the callee's own constants or fields).</summary>
    private static uint Passed(ArrivingFlow arriving, bool constant)
    {
        uint result = 0;
        foreach (var origin in arriving.Value.Origins)
        {
            if (origin.IsConstant == constant && !FromCallee(arriving, origin))
            {
                result |= origin.Bits;
            }
        }

        return result & arriving.Value.May;
    }

    private static bool FromCallee(ArrivingFlow arriving, FlagOrigin origin)
    {
        foreach (var own in arriving.Flow.Value.Origins)
        {
            if (own.Kind != FlagOriginKind.Parameter && own.IsSameSource(origin))
            {
                return true;
            }
        }

        return false;
    }

    private static string Sources(ArrivingFlow arriving, uint bits, bool constant)
    {
        var names = new List<string>();
        foreach (var origin in arriving.Value.OriginsOf(bits, constant))
        {
            if (!FromCallee(arriving, origin) && !names.Contains(origin.Description))
            {
                names.Add(origin.Description);
            }
        }

        return string.Join(" and ", names);
    }

    /// <summary>GFP003: "KswapdReclaim inherited from parameter 'gfp' reaches AllocPage through 'Helper' → AllocPage at line 9".</summary>
    private static Diagnostic Inherited(CallSite site, ArrivingFlow arriving, Location location, AtomicContext.AtomicContext atomic, uint inherited, RuntimeSymbols symbols)
    {
        var parts = new List<string>();
        foreach (var origin in arriving.Value.OriginsOf(inherited, constant: false))
        {
            if (!FromCallee(arriving, origin))
            {
                parts.Add(FlagNames.JoinWithAnd(FlagNames.Of(origin.Bits, symbols.Bits)) + " " + AllocationContextAnalyzer.Provenance(origin));
            }
        }

        return Diagnostic.Create(GFP003InheritedFlagsInAtomicContext.Rule, location, atomic.Describe(),
            $"{string.Join("; ", parts)} reach {arriving.Flow.Allocation} at line {arriving.Flow.Line} through {site.Path(arriving.Flow)}");
    }
}

// GFP001 / GFP002 / GFP003: one analyzer, at most one diagnostic per allocation, the most severe:
//   1. GFP001  DirectReclaim from a constant                                   (may sleep)
//   2. GFP003  DirectReclaim from an unknown source, not cleared                (may sleep, caller's choice)
//   3. GFP002  KswapdReclaim from a constant                                   (may wake kswapd)
//   4. GFP003  KswapdReclaim, NoFail, ThisNode or zone modifiers from an unknown source, not cleared
// Kswapd wake-ups (steps 3 and 4) count where gfp_analyzers.GFP002.scope says: scheduler_locks (default: allocation
// hooks, runqueue-lock sections, [LockHeld("runqueue")]), all (every atomic context), allocation_hooks (hooks only).
//
// Diagnostic.Properties (for code fixes):
//   "BitsToClear"  the offending bits as hex ("0x400"): GFP001 DirectReclaim, GFP002 KswapdReclaim,
//                  GFP003 every bit named in the message.
//   "FlagsToClear" the same bits as Gfp member names, comma-separated ("KswapdReclaim,NoFail,ThisNode";
//                  the four zone modifiers as "ZoneMask").
//   "ContextKind"  the AtomicContextKind named in the message: RcuReadSection | RcuReadLockHeldMethod | AllocationHook |
//                  LockSection | IrqsDisabled | PreemptDisabled | BhDisabled | RunqueueLock | LockHeldMethod |
//                  IrqsDisabledMethod | RunsInAtomicContextMethod | InvokedInAtomicContextLambda.
//   "AvoidKswapdWakeup" "True" where GFP002 reports a kswapd wake-up under the effective configuration or scheduler
//                  locks may be held: a fix writes Gfp.High there, Gfp.Atomic elsewhere (KswapdWakeups).
using System.Collections.Generic;
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Options;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Reports allocations in atomic context whose flags may sleep, wake kswapd, or carry inherited bits.</summary>
public sealed class AllocationContextAnalyzer : DiagnosticAnalyzer
{
    public const string BitsToClearProperty = "BitsToClear";
    public const string FlagsToClearProperty = "FlagsToClear";
    public const string ContextKindProperty = "ContextKind";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        GFP001SleepingAllocationInAtomicContext.Rule,
        GFP002KswapdWakeupInAtomicContext.Rule,
        GFP003InheritedFlagsInAtomicContext.Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        AllocationSites.RegisterBlockAction(context, AnalyzeBlock);
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, RuntimeSymbols symbols)
    {
        var bits = symbols.Bits;
        var hazards = bits.DirectReclaim | bits.KswapdReclaim | bits.NoFail | bits.ThisNode | bits.ZoneMask;
        foreach (var site in AllocationSites.Find(context, symbols, MayReport))
        {
            // Cheapest question first: constant flags without a hazard need no analysis at all. Then whether the site
            // is in atomic context, and only there the flags through the graph (the order changes no result: a site is
            // reported only when both hold).
            if (AllocationSites.ConstantFlagBits(site, symbols) is { } constant && (constant & hazards) == 0)
            {
                continue;
            }

            var contexts = AtomicContextAnalysis.Create(site.Graph, site.Owner, symbols, context.CancellationToken);
            var atomic = contexts.GetContext(site.Invocation);
            if (atomic is null)
            {
                continue;
            }

            var flags = FlagValueAnalysis.GetOrCreate(site.Graph, symbols, context.CancellationToken);
            var value = flags.GetValue(site.FlagsArgument.Value);
            if (value.HasErrors || !value.MayHave(hazards))
            {
                continue;
            }

            if (!atomic.IsWholeBody)
            {
                // Only the paths that may hold the lock count: `flags = c ? Kernel : Atomic; if (!c) lock;` is clean.
                value = ValueWhereLockMayBeHeld(flags, contexts, site) ?? FlagValue.Invalid;
                if (value.HasErrors || !value.MayHave(hazards))
                {
                    continue;
                }
            }

            // Where kswapd wake-ups count (the scope option); the paths of the flags are those of the whole context.
            AtomicContext.AtomicContext? SchedulerLockContext() => contexts.GetSchedulerLockContext(site.Invocation);
            var kswapdContext = KswapdWakeups.ReportedIn(
                GfpAnalyzerOptions.Gfp002Scope(context.Options, site.Invocation.Syntax.SyntaxTree), atomic, SchedulerLockContext);
            var avoidKswapd = KswapdWakeups.Avoid(kswapdContext, SchedulerLockContext);
            var kswapdCounts = kswapdContext is not null;
            var inherited = value.UnknownBits & hazards & (kswapdCounts ? uint.MaxValue : ~bits.KswapdReclaim);
            // A GFP003 that names only KswapdReclaim names the scheduler lock that makes it dangerous.
            var inheritedContext = kswapdContext is not null && (inherited & ~bits.KswapdReclaim) == 0 ? kswapdContext : atomic;

            if (site.IsIncomplete())
            {
                continue;
            }

            var diagnostic = FromConstant(site, value, atomic, bits.DirectReclaim, GFP001SleepingAllocationInAtomicContext.Rule, avoidKswapd)
                ?? ((inherited & bits.DirectReclaim) != 0 ? Inherited(site, value, atomic, inherited, symbols, avoidKswapd) : null)
                ?? (kswapdContext is not null ? FromConstant(site, value, kswapdContext, bits.KswapdReclaim, GFP002KswapdWakeupInAtomicContext.Rule, avoidKswapd) : null)
                ?? (inherited != 0 ? Inherited(site, value, inheritedContext, inherited, symbols, avoidKswapd) : null);
            if (diagnostic is not null)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    /// <summary>
    /// Whether an allocation may be reported, from the operation tree alone: not when its constant flags carry no
    /// hazard, nor when the function it is in cannot be in atomic context (<see cref="AtomicContextCandidates"/>). A body
    /// whose allocations all fail it needs no graph here.
    /// </summary>
    private static readonly System.Func<TreeAllocation, bool> MayReport = static allocation =>
    {
        var symbols = allocation.Symbols;
        var bits = symbols.Bits;
        var hazards = bits.DirectReclaim | bits.KswapdReclaim | bits.NoFail | bits.ThisNode | bits.ZoneMask;
        if (allocation.ConstantFlagBits is { } constant && (constant & hazards) == 0)
        {
            return false;
        }

        return allocation.Function is not { } function
               || AtomicContextCandidates.MayBeAtomic(function, allocation.Scan, allocation.Compilation, symbols, allocation.CancellationToken);
    };

    /// <summary>
    /// The flags on the paths where the read lock may be held, matched on the bool conditions both analyses follow;
    /// null when no such path reaches the allocation with flags (the two analyses disagree: stay silent).
    /// </summary>
    private static FlagValue? ValueWhereLockMayBeHeld(FlagValueAnalysis flags, AtomicContextAnalysis contexts, AllocationSite site)
    {
        var flow = contexts.Flow;
        if (!flow.Scan.Positions.TryGetValue(site.Invocation, out var position))
        {
            return flags.GetValue(site.FlagsArgument.Value);
        }

        FlagValue? joined = null;
        foreach (var state in flow.StatesBefore(site.Invocation, position.Block, position.Statement))
        {
            if (!state.MayHold)
            {
                continue;
            }

            bool? Known(ISymbol symbol)
                => flow.Scan.Tracked.TryGetValue(symbol, out var index)
                    ? ((state.KnownTrue >> index) & 1) != 0 ? true : ((state.KnownFalse >> index) & 1) != 0 ? false : null
                    : null;

            if (flags.TryGetValueWhere(site.FlagsArgument.Value, Known, out var onThesePaths))
            {
                joined = joined is { } soFar ? soFar.Join(onThesePaths) : onThesePaths;
            }
        }

        return joined;
    }

    /// <summary>GFP001 or GFP002: <paramref name="bit"/> may reach the allocation from a constant.</summary>
    private static Diagnostic? FromConstant(AllocationSite site, FlagValue value, AtomicContext.AtomicContext atomic, uint bit, DiagnosticDescriptor rule, string avoidKswapd)
    {
        var sources = value.OriginsOf(bit, constant: true);
        if (bit == 0 || sources.IsEmpty)
        {
            return null;
        }

        return Diagnostic.Create(
            rule,
            site.FlagsLocation,
            Properties(bit, rule == GFP001SleepingAllocationInAtomicContext.Rule ? "DirectReclaim" : "KswapdReclaim", atomic, avoidKswapd),
            atomic.Describe(),
            FlagNames.JoinSources(sources));
    }

    /// <summary>GFP003: the hazardous bits from unknown sources, grouped by source.</summary>
    private static Diagnostic Inherited(AllocationSite site, FlagValue value, AtomicContext.AtomicContext atomic, uint inherited, RuntimeSymbols symbols, string avoidKswapd)
    {
        var parts = new List<string>();
        foreach (var origin in value.OriginsOf(inherited, constant: false))
        {
            parts.Add(FlagNames.JoinWithAnd(FlagNames.Of(origin.Bits, symbols.Bits)) + " " + Provenance(origin));
        }

        return Diagnostic.Create(
            GFP003InheritedFlagsInAtomicContext.Rule,
            site.FlagsLocation,
            Properties(inherited, string.Join(",", FlagNames.Of(inherited, symbols.Bits)), atomic, avoidKswapd),
            atomic.Describe(),
            string.Join("; ", parts));
    }

    /// <summary>How bits came from a source the method does not control, for the GFP003 message.</summary>
    internal static string Provenance(FlagOrigin origin) => origin.Kind switch
    {
        FlagOriginKind.Parameter => "inherited from " + origin.Description,
        FlagOriginKind.Field or FlagOriginKind.Property => "read from " + origin.Description,
        FlagOriginKind.Call => "returned by " + origin.Description,
        _ => "from " + origin.Description,
    };

    private static ImmutableDictionary<string, string?> Properties(uint bits, string names, AtomicContext.AtomicContext atomic, string avoidKswapd)
        => ImmutableDictionary<string, string?>.Empty
            .Add(BitsToClearProperty, FlagNames.Hex(bits))
            .Add(FlagsToClearProperty, names)
            .Add(ContextKindProperty, atomic.Kind.ToString())
            .Add(KswapdWakeups.AvoidProperty, avoidKswapd);
}

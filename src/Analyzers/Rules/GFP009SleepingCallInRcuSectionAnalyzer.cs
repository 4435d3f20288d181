using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Options;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP009: a call that may sleep in atomic context: an RCU read-side section, a spinlock or rwlock section, with
/// interrupts, preemption or bottom halves disabled, with the runqueue lock held, in an annotated method or an
/// allocation hook (see <see cref="AtomicContextAnalysis"/>). <c>Rcu.Synchronize()</c>, <c>[MightSleep]</c> calls and
/// sleeping locks (<c>KMutex.Lock</c>, <c>KSemaphore.Down</c>: "Taking mutex '_m' may sleep …") are reported as
/// the method is analysed. A call to a method of this compilation is judged by the callee's summary
/// (<see cref="SummaryStore"/>, built on demand from the callee's body in whatever file it is, so the result is
/// the same while typing as in a full build): the callee sleeps if, for the arguments this call passes, some path
/// of it calls one of those, allocates with <c>DirectReclaim</c> (from its constants or this call's flags), or calls
/// a method that does, at any depth. Allocations themselves are GFP001's; calls through delegates and virtual
/// dispatch are unknown and never reported.
/// Diagnostic.Properties (for the code fix), only where the call sleeps solely because of flags it passes:
/// "SleepingArguments" the ordinals of the callee's parameters given constant flags with DirectReclaim ("1" or "0,2"),
/// "ContextKind" the <see cref="AtomicContextKind"/> named in the message, "AvoidKswapdWakeup" as for GFP001 (<see cref="KswapdWakeups"/>).
/// </summary>
public sealed class GFP009SleepingCallInRcuSectionAnalyzer : DiagnosticAnalyzer
{
    public const string SleepingArgumentsProperty = "SleepingArguments";

    private const string Title = "Call that may sleep in atomic context";

    private const string Description =
        "Code in atomic context must not sleep: between rcu_read_lock() and rcu_read_unlock(), under a spinlock or rwlock " +
        "(any variant), with interrupts, preemption or bottom halves disabled, with the runqueue lock held, in a method " +
        "marked [RcuReadLockHeld], [LockHeld], [IrqsDisabled] or [RunsInAtomicContext], or in an allocation hook. " +
        "synchronize_rcu() there waits for itself; a mutex, a semaphore, a sleeping allocation or a might_sleep() function " +
        "is 'BUG: sleeping function called from invalid context'. Move the call out of the section.";

    // {0}: "Call to 'Flush'" or "Reading property 'Lazy'".
    private const string MessageFormat = "{0} may sleep {1}: {2}";

    internal static readonly DiagnosticDescriptor SleepingCall = RuleDescriptors.Create(
        DiagnosticIds.SleepingCallInRcuSection, Title, MessageFormat, RuleCategories.AtomicContext, DiagnosticSeverity.Error, Description);

    /// <summary>
    /// Calls judged through the callee's summary: the same descriptor (no CompilationEnd tag), since summaries are built
    /// on demand and reported as the caller is analysed. The name stays for the tests that say which path they exercise.
    /// </summary>
    internal static DiagnosticDescriptor SleepingCallThroughSummary => SleepingCall;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SleepingCall);

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

            var state = new CompilationState(symbols, start.Compilation);
            RelevantCode.RegisterOperationBlockAction(start, block => AnalyzeBlock(block, state));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, CompilationState state)
    {
        var symbols = state.Symbols;
        var ct = context.CancellationToken;
        foreach (var block in ControlFlowGraphs.DistinctGraphBlocks(context.OperationBlocks))
        {
            var scan = FunctionScan.Of(FunctionScan.RootOf(block), context.OwningSymbol, symbols, state.Assembly);
            GFP009MethodGroupCallbacks.Report(context, scan.DelegatedMethods, symbols, state.Compilation);
            bool MayBeAtomicHere(FunctionInfo function)
                => function.Calls.Count > 0 && AtomicContextCandidates.MayBeAtomic(function, scan, state.Compilation, symbols, ct);

            if (!scan.Functions.Any(MayBeAtomicHere))
            {
                continue;
            }

            var cfg = ControlFlowGraphs.Of(context, block);
            foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, context.OwningSymbol, ct))
            {
                if (scan.FunctionOf(owner) is { } function && MayBeAtomicHere(function))
                {
                    CheckCalls(context, state, AtomicContextAnalysis.Create(graph, owner, symbols, ct), graph, owner);
                }
            }
        }
    }

    private static void CheckCalls(OperationBlockAnalysisContext context, CompilationState state, AtomicContextAnalysis analysis, ControlFlowGraph graph, ISymbol owner)
    {
        foreach (var (operation, block) in ControlFlowGraphs.OperationsWithBlocks(graph))
        {
            var (kind, method) = SleepingCalls.Classify(operation, state.Symbols, state.Assembly);
            if (kind == SleepingCallKind.None || analysis.GetContext(operation) is not { } atomic)
            {
                continue;
            }

            var name = SleepingCalls.Describe(kind, method!);
            var location = operation.Syntax.GetLocation();
            if (kind == SleepingCallKind.MightSleep && SleepingCalls.SleepingLock(operation, state.Symbols) is { } sleepingLock)
            {
                context.ReportDiagnostic(Diagnostic.Create(SleepingCall, location, sleepingLock.Opening, atomic.Describe(), sleepingLock.Reason));
                continue;
            }

            IReadOnlyList<int>? sleepingArguments = null;
            var why = kind switch
            {
                SleepingCallKind.Synchronize => "it blocks until a grace period ends",
                SleepingCallKind.MightSleep => $"'{SleepingCalls.Display(kind, method!)}' is marked [MightSleep]",
                _ => CallSite.Create(operation, method!, graph, block, owner, state.Symbols, state.Compilation, context.CancellationToken)
                    ?.SleepReason(state.Symbols.Bits, out sleepingArguments),
            };
            if (why is null)
            {
                continue;
            }

            // Only the flags this call passes make the callee sleep: the fix can change them.
            var properties = sleepingArguments is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty
                    .Add(SleepingArgumentsProperty, string.Join(",", sleepingArguments))
                    .Add(AllocationContextAnalyzer.ContextKindProperty, atomic.Kind.ToString())
                    .Add(KswapdWakeups.AvoidProperty, AvoidKswapdWakeup(context, analysis, operation, atomic));
            context.ReportDiagnostic(Diagnostic.Create(SleepingCall, location, properties, name, atomic.Describe(), why));
        }
    }

    /// <summary>Whether flags passed at <paramref name="call"/> must not wake kswapd, decided as for an allocation there.</summary>
    private static string AvoidKswapdWakeup(OperationBlockAnalysisContext context, AtomicContextAnalysis analysis, IOperation call, AtomicContext.AtomicContext atomic)
    {
        AtomicContext.AtomicContext? SchedulerLockContext() => analysis.GetSchedulerLockContext(call);
        var scope = GfpAnalyzerOptions.Gfp002Scope(context.Options, call.Syntax.SyntaxTree);
        return KswapdWakeups.Avoid(KswapdWakeups.ReportedIn(scope, atomic, SchedulerLockContext), SchedulerLockContext);
    }

    private sealed class CompilationState
    {
        public CompilationState(RuntimeSymbols symbols, Compilation compilation)
        {
            Symbols = symbols;
            Compilation = compilation;
        }

        public RuntimeSymbols Symbols { get; }

        public Compilation Compilation { get; }

        public IAssemblySymbol Assembly => Compilation.Assembly;
    }
}

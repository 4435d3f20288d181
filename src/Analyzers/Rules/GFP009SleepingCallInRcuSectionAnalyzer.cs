using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Options;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP009: a call that may sleep in atomic context: an RCU read-side section, a spinlock or rwlock section, with
/// interrupts, preemption or bottom halves disabled, with the runqueue lock held, in an annotated method or an
/// allocation hook (see <see cref="AtomicContextAnalysis"/>). <c>Rcu.Synchronize()</c>, <c>[MightSleep]</c> calls and
/// sleeping locks (<c>KMutex.Lock</c>, <c>KSemaphore.Down</c>: "Taking mutex '_m' may sleep …") are reported as
/// the method is analysed. A call to a method of this compilation is reported when the compilation ends, from
/// per-method summaries (<see cref="SleepSummaries"/>): the callee sleeps if its body calls one of those,
/// allocates with <c>DirectReclaim</c> from a constant, or calls a method that does. Allocations themselves
/// are GFP001's; calls through delegates are unknown and never reported.
/// Diagnostic.Properties (for the code fix), only where the call sleeps solely because of flags it passes:
/// "SleepingArguments" the ordinals of the callee's parameters given constant flags with DirectReclaim ("1" or "0,2"),
/// "ContextKind" the <see cref="AtomicContextKind"/> named in the message, "AvoidKswapdWakeup" as for GFP001 (<see cref="KswapdWakeups"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
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

    /// <summary>The same rule for calls judged by summaries, which are complete only when the compilation ends.</summary>
    internal static readonly DiagnosticDescriptor SleepingCallThroughSummary = RuleDescriptors.Create(
        DiagnosticIds.SleepingCallInRcuSection, Title, MessageFormat, RuleCategories.AtomicContext, DiagnosticSeverity.Error, Description,
        WellKnownDiagnosticTags.CompilationEnd);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SleepingCall, SleepingCallThroughSummary);

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

            var state = new CompilationState(symbols, start.Compilation.Assembly);
            start.RegisterOperationBlockAction(block => AnalyzeBlock(block, state));
            start.RegisterCompilationEndAction(end => ReportThroughSummaries(end, state));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, CompilationState state)
    {
        var symbols = state.Symbols;
        var ct = context.CancellationToken;
        foreach (var block in ControlFlowGraphs.DistinctGraphBlocks(context.OperationBlocks))
        {
            var root = block;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            var functions = FunctionScan.Run(root, context.OwningSymbol, symbols, state.Assembly);
            var allocationReasons = new Dictionary<ISymbol, (SleepReason? Direct, List<ParameterSleep> Parameters)>(SymbolEqualityComparer.Default);
            var afterRelease = new HashSet<SyntaxNode>();
            if (NeedsGraph(functions, symbols))
            {
                var cfg = context.GetControlFlowGraph(block);
                foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, context.OwningSymbol, ct))
                {
                    var function = functions.FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(f.Symbol, owner));
                    if (function is null)
                    {
                        continue;
                    }

                    if (!function.IsLambda && function.HasLockCalls && CallerLocks.Of(owner, symbols).Count > 0
                        && !AtomicContextAnalysis.HasAttribute(owner, symbols.AllocationHookAttribute, symbols)
                        && !AtomicContextAnalysis.HasAttribute(owner, symbols.RunsInAtomicContextAttribute, symbols))
                    {
                        SleepsAfterCallersLockReleased(graph, owner, state, afterRelease, ct);
                    }

                    if (!function.IsLambda && function.HasAllocations)
                    {
                        allocationReasons[owner] = SleepingAllocations(graph, owner as IMethodSymbol, symbols, afterRelease, ct);
                    }

                    if (function.Calls.Count > 0 && MayBeAtomic(function, symbols))
                    {
                        CheckCalls(context, state, AtomicContextAnalysis.Create(graph, owner, symbols, ct), graph);
                    }
                }
            }

            foreach (var function in functions)
            {
                if (!function.IsLambda && function.Symbol is IMethodSymbol method)
                {
                    allocationReasons.TryGetValue(method, out var allocation);
                    state.Summaries.Add(method, Facts(function, allocation.Direct, allocation.Parameters, afterRelease, symbols));
                }
            }
        }
    }

    /// <summary>A graph is needed to judge allocation flags (for summaries) or atomic context (for calls).</summary>
    private static bool NeedsGraph(List<FunctionInfo> functions, RuntimeSymbols symbols)
        => functions.Any(f => !f.IsLambda && f.HasAllocations) || functions.Any(f => f.Calls.Count > 0 && MayBeAtomic(f, symbols));

    private static bool MayBeAtomic(FunctionInfo function, RuntimeSymbols symbols)
        => function.HasLockCalls
           || function.InvokedInAtomicContext
           || (function.Symbol is { } symbol
               && (CallerLocks.Of(symbol, symbols).Count > 0
                   || AtomicContextAnalysis.HasAttribute(symbol, symbols.AllocationHookAttribute, symbols)
                   || AtomicContextAnalysis.HasAttribute(symbol, symbols.RunsInAtomicContextAttribute, symbols)
                   || (symbol is IMethodSymbol method && HookInstallations.HasHookShape(method, symbols))));

    private static void CheckCalls(OperationBlockAnalysisContext context, CompilationState state, AtomicContextAnalysis analysis, Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph)
    {
        foreach (var operation in ControlFlowGraphs.Operations(graph))
        {
            var (kind, method) = SleepingCalls.Classify(operation, state.Symbols, state.Assembly);
            if (kind == SleepingCallKind.None || analysis.GetContext(operation) is not { } atomic)
            {
                continue;
            }

            var name = SleepingCalls.Describe(kind, method!);
            var location = operation.Syntax.GetLocation();
            switch (kind)
            {
                case SleepingCallKind.Synchronize:
                    context.ReportDiagnostic(Diagnostic.Create(SleepingCall, location, name, atomic.Describe(), "it blocks until a grace period ends"));
                    break;
                case SleepingCallKind.MightSleep when SleepingCalls.SleepingLock(operation, state.Symbols) is { } sleepingLock:
                    context.ReportDiagnostic(Diagnostic.Create(SleepingCall, location, sleepingLock.Opening, atomic.Describe(), sleepingLock.Reason));
                    break;
                case SleepingCallKind.MightSleep:
                    context.ReportDiagnostic(Diagnostic.Create(SleepingCall, location, name, atomic.Describe(), $"'{SleepingCalls.Display(kind, method!)}' is marked [MightSleep]"));
                    break;
                default:
                    state.Pending.Enqueue(new PendingCall(method!, name, location, atomic.Describe(), SleepingArguments(operation, graph, state.Symbols, context.CancellationToken))
                    {
                        ContextKind = atomic.Kind.ToString(),
                        AvoidKswapdWakeup = AvoidKswapdWakeup(context, analysis, operation, atomic),
                    });
                    break;
            }
        }
    }

    /// <summary>Whether flags passed at <paramref name="call"/> must not wake kswapd, decided as for an allocation there.</summary>
    private static string AvoidKswapdWakeup(OperationBlockAnalysisContext context, AtomicContextAnalysis analysis, IOperation call, AtomicContext.AtomicContext atomic)
    {
        AtomicContext.AtomicContext? SchedulerLockContext() => analysis.GetSchedulerLockContext(call);
        var scope = GfpAnalyzerOptions.Gfp002Scope(context.Options, call.Syntax.SyntaxTree);
        return KswapdWakeups.Avoid(KswapdWakeups.ReportedIn(scope, atomic, SchedulerLockContext), SchedulerLockContext);
    }

    /// <summary>
    /// In a [RcuReadLockHeld] method that drops the caller's lock to sleep (<c>ReadUnlock(); sleep; ReadLock();</c>,
    /// the documented idiom): the sleeping calls and allocations that run only after the caller's lock is released.
    /// They do not make its callers sleep inside their section.
    /// </summary>
    private static void SleepsAfterCallersLockReleased(
        Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, ISymbol owner, CompilationState state, HashSet<SyntaxNode> result, CancellationToken ct)
    {
        var analysis = AtomicContextAnalysis.Create(graph, owner, state.Symbols, ct);
        foreach (var operation in ControlFlowGraphs.Operations(graph))
        {
            var sleeps = SleepingCalls.Classify(operation, state.Symbols, state.Assembly).Kind != SleepingCallKind.None
                || (operation is IInvocationOperation invocation && state.Symbols.IsAllocation(invocation.TargetMethod));
            if (sleeps && analysis.GetContext(operation)?.IsCallerHeld != true)
            {
                result.Add(operation.Syntax);
            }
        }
    }

    /// <summary>
    /// The first allocation (in source order) whose flags may carry DirectReclaim from a constant, and the
    /// allocations whose DirectReclaim can come only from a parameter of <paramref name="method"/>.
    /// </summary>
    private static (SleepReason? Direct, List<ParameterSleep> Parameters) SleepingAllocations(
        Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, IMethodSymbol? method, RuntimeSymbols symbols, HashSet<SyntaxNode> afterRelease, CancellationToken ct)
    {
        var parameters = new List<ParameterSleep>();
        var directReclaim = symbols.Bits.DirectReclaim;
        if (directReclaim == 0)
        {
            return (null, parameters);
        }

        FlagValueAnalysis? flags = null;
        BlockingGuards? guards = null;
        SleepReason? first = null;
        foreach (var (operation, block) in ControlFlowGraphs.OperationsWithBlocks(graph))
        {
            if (operation is not IInvocationOperation invocation || !symbols.IsAllocation(invocation.TargetMethod)
                || symbols.FlagsArgument(invocation) is not { } argument || afterRelease.Contains(invocation.Syntax))
            {
                continue;
            }

            flags ??= FlagValueAnalysis.GetOrCreate(graph, symbols, ct);
            var value = flags.GetValue(argument.Value);
            if (value.HasErrors || (value.May & directReclaim) == 0)
            {
                continue;
            }

            var location = invocation.Syntax.GetLocation();
            var line = location.GetLineSpan().StartLinePosition.Line + 1;
            if ((value.ConstantBits & directReclaim) != 0)
            {
                // `gfp.AllowsBlocking() ? AllocPage(Gfp.Kernel) : AllocPage(Gfp.Atomic)`: sleeps only when the caller allows it.
                guards ??= BlockingGuards.Run(graph, method, symbols);
                var guard = guards.GuardsAt(block);
                if (guard != 0 && method is not null)
                {
                    var constant = value.OriginsOf(directReclaim, constant: true).FirstOrDefault()?.Description ?? "DirectReclaim";
                    foreach (var parameter in method.Parameters)
                    {
                        if (parameter.Ordinal < 64 && (guard & (1UL << parameter.Ordinal)) != 0)
                        {
                            parameters.Add(new ParameterSleep(parameter.Ordinal, parameter.Name, line, constant));
                        }
                    }

                    continue;
                }

                if (first is null || location.SourceSpan.Start < first.Location.SourceSpan.Start)
                {
                    var origin = value.OriginsOf(directReclaim, constant: true).FirstOrDefault();
                    first = SleepReason.Direct($"allocates with {origin?.Description ?? "DirectReclaim"} at line {line}", location);
                }

                continue;
            }

            // The flag-value analysis names a parameter origin "parameter 'name'" (FlagOrigin.Description).
            foreach (var origin in value.OriginsOf(directReclaim, constant: false))
            {
                foreach (var parameter in method?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty)
                {
                    if (origin.Kind == FlagOriginKind.Parameter && origin.Description == $"parameter '{parameter.Name}'")
                    {
                        parameters.Add(new ParameterSleep(parameter.Ordinal, parameter.Name, line));
                    }
                }
            }
        }

        return (first, parameters);
    }

    /// <summary>The Gfp arguments of a call that carry DirectReclaim from a constant: parameter ordinal to the constant.</summary>
    private static Dictionary<int, string> SleepingArguments(IOperation call, Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, RuntimeSymbols symbols, CancellationToken ct)
    {
        var result = new Dictionary<int, string>();
        var arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };

        FlagValueAnalysis? flags = null;
        foreach (var argument in arguments)
        {
            if (argument.Parameter is not { } parameter || !symbols.IsGfp(parameter.Type))
            {
                continue;
            }

            flags ??= FlagValueAnalysis.GetOrCreate(graph, symbols, ct);
            var value = flags.GetValue(argument.Value);
            if (!value.HasErrors && (value.ConstantBits & symbols.Bits.DirectReclaim) != 0)
            {
                var origin = value.OriginsOf(symbols.Bits.DirectReclaim, constant: true).FirstOrDefault();
                result[parameter.Ordinal] = origin?.Description ?? "DirectReclaim";
            }
        }

        return result;
    }

    private static MethodSleepFacts Facts(FunctionInfo function, SleepReason? allocation, List<ParameterSleep>? parameters, HashSet<SyntaxNode> afterRelease, RuntimeSymbols symbols)
    {
        var direct = allocation;
        var callees = new List<(IMethodSymbol, Location)>();
        foreach (var (operation, kind, method) in function.Calls)
        {
            if (afterRelease.Contains(operation.Syntax))
            {
                continue;
            }

            var location = operation.Syntax.GetLocation();
            SleepReason? reason = kind switch
            {
                SleepingCallKind.Synchronize => SleepReason.Direct("calls 'Rcu.Synchronize()'", location),
                SleepingCallKind.MightSleep when SleepingCalls.SleepingLock(operation, symbols) is { } sleepingLock
                    => SleepReason.Direct(sleepingLock.Opening.Replace("Taking", "takes"), location),
                SleepingCallKind.MightSleep => SleepReason.Direct($"calls '{SleepingCalls.Display(kind, method)}', which is marked [MightSleep]", location),
                _ => null,
            };

            if (reason is null)
            {
                callees.Add((SleepSummaries.Key(method), location));
            }
            else if (direct is null || location.SourceSpan.Start < direct.Location.SourceSpan.Start)
            {
                direct = reason;
            }
        }

        return new MethodSleepFacts(direct, callees, (IReadOnlyList<ParameterSleep>?)parameters ?? System.Array.Empty<ParameterSleep>());
    }

    private static void ReportThroughSummaries(CompilationAnalysisContext context, CompilationState state)
    {
        state.Summaries.Resolve();
        foreach (var call in state.Pending)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (state.Summaries.TryExplain(call.Callee, out var chain))
            {
                context.ReportDiagnostic(Diagnostic.Create(SleepingCallThroughSummary, call.Location, call.Name, call.Context, chain));
            }
            else if (state.Summaries.TryExplainArguments(call.Callee, call.SleepingArguments, out chain))
            {
                // Only the flags this call passes make the callee sleep: the fix can change them.
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(SleepingArgumentsProperty, string.Join(",", state.Summaries.SleepingParameterOrdinals(call.Callee, call.SleepingArguments)))
                    .Add(AllocationContextAnalyzer.ContextKindProperty, call.ContextKind)
                    .Add(KswapdWakeups.AvoidProperty, call.AvoidKswapdWakeup);
                context.ReportDiagnostic(Diagnostic.Create(SleepingCallThroughSummary, call.Location, properties, call.Name, call.Context, chain));
            }
        }
    }

    private sealed class CompilationState
    {
        public CompilationState(RuntimeSymbols symbols, IAssemblySymbol assembly)
        {
            Symbols = symbols;
            Assembly = assembly;
        }

        public RuntimeSymbols Symbols { get; }

        public IAssemblySymbol Assembly { get; }

        public SleepSummaries Summaries { get; } = new();

        public ConcurrentQueue<PendingCall> Pending { get; } = new();
    }

    private sealed class PendingCall
    {
        public PendingCall(IMethodSymbol callee, string name, Location location, string context, IReadOnlyDictionary<int, string> sleepingArguments)
        {
            Callee = callee;
            Name = name;
            Location = location;
            Context = context;
            SleepingArguments = sleepingArguments;
        }

        /// <summary>Parameter ordinal to the constant with DirectReclaim this call passes for it.</summary>
        public IReadOnlyDictionary<int, string> SleepingArguments { get; }

        public IMethodSymbol Callee { get; }

        public string Name { get; }

        public Location Location { get; }

        public string Context { get; }

        /// <summary>The <see cref="AtomicContextKind"/> of <see cref="Context"/>, for the fix.</summary>
        public string? ContextKind { get; set; }

        /// <summary>Whether flags passed here must not wake kswapd (<see cref="KswapdWakeups.AvoidProperty"/>), for the fix.</summary>
        public string? AvoidKswapdWakeup { get; set; }
    }
}

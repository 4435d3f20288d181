// What one method's own body says, before any callee is consulted: its direct sleeps, its allocations and
// their flags, and its calls to methods of the compilation with what each passes. Read from the method's
// control-flow graph once (the flag-value and condition analyses run only when the body has something to say).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

/// <summary>A call from the summarised method to a method of the compilation.</summary>
internal sealed class CallFacts
{
    public CallFacts(IMethodSymbol callee, Location location, ImmutableArray<ParameterCondition> conditions, ArgumentFacts?[] arguments, bool inSection = false)
    {
        InSection = inSection;
        Callee = callee;
        Location = location;
        Conditions = conditions;
        Arguments = arguments;
    }

    /// <summary>The call is inside an atomic section of the caller.</summary>
    public bool InSection { get; }

    /// <summary>The callee's summary key (<see cref="SummaryStore.Key"/>).</summary>
    public IMethodSymbol Callee { get; }

    public Location Location { get; }

    /// <summary>What holds about the caller's parameters on every path to the call.</summary>
    public ImmutableArray<ParameterCondition> Conditions { get; }

    /// <summary>By the callee's parameter ordinal; null where the call passes nothing the summaries read.</summary>
    public ArgumentFacts?[] Arguments { get; }
}

internal sealed class LocalFacts
{
    private LocalFacts(List<SleepEffect> sleeps, List<FlagFlow> flows, List<CallFacts> calls, SortedDictionary<int, string>? atomicallyInvoked)
    {
        Sleeps = sleeps;
        Flows = flows;
        Calls = calls;
        AtomicallyInvoked = atomicallyInvoked;
    }

    /// <summary>
    /// Delegate parameters the body invokes inside its own atomic sections, or passes to [InvokedInAtomicContext], each with
    /// where that happens (completing "invokes it ___"; the first such place in the body); null when none.
    /// </summary>
    public SortedDictionary<int, string>? AtomicallyInvoked { get; }

    public List<SleepEffect> Sleeps { get; }

    public List<FlagFlow> Flows { get; }

    public List<CallFacts> Calls { get; }

    /// <summary>
    /// The facts of <paramref name="method"/>'s body from its graph, which rules share (ControlFlowGraphs.Of) and ask
    /// again at call sites: the per-graph analyses read here are cached with it.
    /// </summary>
    public static LocalFacts Read(ControlFlowGraph graph, IMethodSymbol method, RuntimeSymbols symbols, IAssemblySymbol assembly, CancellationToken ct)
    {
        var sleeps = new List<SleepEffect>();
        var flows = new List<FlagFlow>();
        var calls = new List<CallFacts>();
        var excluded = AfterCallersLockReleased(graph, method, symbols, assembly, ct);
        ConditionFacts? conditions = null;
        FlagValueAnalysis? flags = null;
        // Where the body itself is atomic (its own sections, or all of it by an attribute), its effects are mistakes
        // reported in it: callers are told (InSection) so that they do not report the same mistake again. Decided at
        // the first effect: a body with none (most of them) is not walked for lock calls.
        bool? atomicSomewhere = null;
        // Only a body with parameters can invoke or hand on one of them (read in the same walk).
        var readsParameters = !method.Parameters.IsEmpty;
        SortedDictionary<int, string>? atomicallyInvoked = null;
        AtomicContextAnalysis? contexts = null;
        foreach (var (operation, block) in ControlFlowGraphs.OperationsWithBlocks(graph))
        {
            if (readsParameters)
            {
                NoteAtomicallyInvoked(operation, graph, method, symbols, ref atomicallyInvoked, ref contexts, ct);
            }

            var (kind, target) = SleepingCalls.Classify(operation, symbols, assembly);
            var allocation = operation is IInvocationOperation invocation && symbols.IsAllocation(invocation.TargetMethod)
                ? invocation
                : null;
            if ((kind == SleepingCallKind.None && allocation is null) || excluded?.Contains(operation) == true)
            {
                continue;
            }

            conditions ??= ConditionFacts.Of(graph, method, symbols);
            if (conditions.At(block) is not { } holding)
            {
                continue;
            }

            var location = operation.Syntax.GetLocation();
            atomicSomewhere ??= HasLockCalls(graph, symbols) || IsAtomicByAttribute(method, symbols);
            var inSection = atomicSomewhere.Value && (contexts ??= AtomicContextAnalysis.Create(graph, method, symbols, ct)).GetContext(operation) is not null;
            if (allocation is not null)
            {
                if (symbols.FlagsArgument(allocation) is { } argument)
                {
                    flags ??= FlagValueAnalysis.GetOrCreate(graph, symbols, ct);
                    var value = flags.GetValue(argument.Value);
                    if (!value.HasErrors)
                    {
                        flows.Add(new FlagFlow(value, allocation.TargetMethod.Name, location, ImmutableArray<string>.Empty, holding, onUnknownFlags: false, inSection));
                    }
                }

                continue;
            }

            switch (kind)
            {
                case SleepingCallKind.Synchronize:
                    sleeps.Add(new SleepEffect("calls 'Rcu.Synchronize()'", location, ImmutableArray<string>.Empty, holding, inSection));
                    break;
                case SleepingCallKind.MightSleep when SleepingCalls.SleepingLock(operation, symbols) is { } sleepingLock:
                    sleeps.Add(new SleepEffect(Lowercase(sleepingLock.Opening), location, ImmutableArray<string>.Empty, holding, inSection));
                    break;
                case SleepingCallKind.MightSleep:
                    sleeps.Add(new SleepEffect($"calls '{SleepingCalls.Display(kind, target!)}', which is marked [MightSleep]", location, ImmutableArray<string>.Empty, holding, inSection));
                    break;
                case SleepingCallKind.SourceMethod when !IsUnknownDispatch(operation):
                    // The flag analysis only for a call that passes flags (most calls of ordinary code pass none).
                    calls.Add(new CallFacts(SummaryStore.Key(target!), location, holding, Arguments(operation, method, graph, ref flags, conditions.Trusted, symbols, ct), inSection));
                    break;
            }
        }

        return new LocalFacts(sleeps, flows, calls, atomicallyInvoked);
    }

    /// <summary>
    /// Adds to <paramref name="result"/> the delegate parameter <paramref name="operation"/> invokes in atomic context or
    /// hands on to an <c>[InvokedInAtomicContext]</c> parameter, unless an earlier operation of the walk did.
    /// </summary>
    private static void NoteAtomicallyInvoked(IOperation operation, ControlFlowGraph graph, IMethodSymbol method, RuntimeSymbols symbols,
        ref SortedDictionary<int, string>? result, ref AtomicContextAnalysis? contexts, CancellationToken ct)
    {
        switch (operation)
        {
            // callback(...) / callback.Invoke(...) where the method may hold a lock (or is atomic as a whole).
            case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: IParameterReferenceOperation { Parameter: var invoked } } invocation
                when SymbolEqualityComparer.Default.Equals(invoked.ContainingSymbol, method):
                contexts ??= AtomicContextAnalysis.Create(graph, method, symbols, ct);
                if (contexts.GetContext(invocation) is { } context && result?.ContainsKey(invoked.Ordinal) != true)
                {
                    (result ??= new SortedDictionary<int, string>()).Add(invoked.Ordinal, context.Describe());
                }

                break;

            // Handing the parameter on to a parameter marked [InvokedInAtomicContext].
            case IArgumentOperation { Parameter: { } target, Value: IParameterReferenceOperation { Parameter: var passed } }
                when SymbolEqualityComparer.Default.Equals(passed.ContainingSymbol, method)
                     && symbols.HasAttribute(target, symbols.InvokedInAtomicContextAttribute)
                     && result?.ContainsKey(passed.Ordinal) != true:
                (result ??= new SortedDictionary<int, string>()).Add(passed.Ordinal, CallbackSummaries.Through(target.ContainingSymbol, "in atomic context"));
                break;
        }
    }

    /// <summary>
    /// A virtual or interface call whose target an override may replace: its effects are unknown (silent). A call on a
    /// sealed type, to a sealed override, or through <c>base.</c> runs exactly the method bound.
    /// </summary>
    public static bool IsUnknownDispatch(IOperation call)
        => call is IInvocationOperation { IsVirtual: true, TargetMethod: var target }
           && !target.IsSealed && !target.ContainingType.IsSealed && !target.ContainingType.IsValueType;

    /// <summary>"Taking mutex '_m'" as a verb phrase inside a chain: "takes mutex '_m'".</summary>
    private static string Lowercase(string opening)
        => opening.StartsWith("Taking ", System.StringComparison.Ordinal) ? "takes " + opening.Substring("Taking ".Length) : opening;

    /// <summary>
    /// What a call passes, by the callee's parameter ordinal, in terms of the caller's graph; <paramref name="flags"/> (the
    /// flag analysis of <paramref name="graph"/>) is created only when the call passes a <c>Gfp</c> argument.
    /// </summary>
    public static ArgumentFacts?[] Arguments(IOperation call, IMethodSymbol? caller, ControlFlowGraph graph, ref FlagValueAnalysis? flags, ulong trusted,
        RuntimeSymbols symbols, CancellationToken ct)
    {
        var arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            IPropertyReferenceOperation reference => reference.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };

        var result = arguments.Length == 0 ? NoArguments : new ArgumentFacts?[MaxOrdinal(arguments) + 1];
        foreach (var argument in arguments)
        {
            if (argument.Parameter is not { } parameter || argument.ArgumentKind == ArgumentKind.ParamArray)
            {
                continue;
            }

            var value = symbols.IsGfp(parameter.Type) ? (flags ??= FlagValueAnalysis.GetOrCreate(graph, symbols, ct)).GetValue(argument.Value) : (FlagValue?)null;
            var facts = ArgumentFacts.Of(argument, value, trusted);
            facts.SetCaller(caller, trusted);
            result[parameter.Ordinal] = facts;
        }

        return result;
    }

    /// <summary>What a call without arguments passes (an empty array is never written to).</summary>
    private static readonly ArgumentFacts?[] NoArguments = System.Array.Empty<ArgumentFacts?>();

    private static int MaxOrdinal(ImmutableArray<IArgumentOperation> arguments)
    {
        var max = 0;
        foreach (var argument in arguments)
        {
            if (argument.Parameter is { } parameter && parameter.Ordinal > max)
            {
                max = parameter.Ordinal;
            }
        }

        return max;
    }

    /// <summary>
    /// In a method that runs with its caller's lock held ([RcuReadLockHeld], [LockHeld], [IrqsDisabled]) and drops it to
    /// sleep (<c>ReadUnlock(); sleep; ReadLock();</c>, the documented idiom): what runs only after the caller's lock is released does not happen in its callers' section.
    /// </summary>
    private static HashSet<IOperation>? AfterCallersLockReleased(ControlFlowGraph graph, IMethodSymbol method, RuntimeSymbols symbols, IAssemblySymbol assembly, CancellationToken ct)
    {
        // Most methods run with no lock of their caller's: nothing to exclude, no set.
        if (CallerLocks.Of(method, symbols).Count == 0
            || AtomicContextAnalysis.HasAttribute(method, symbols.AllocationHookAttribute, symbols)
            || AtomicContextAnalysis.HasAttribute(method, symbols.RunsInAtomicContextAttribute, symbols)
            || !HasLockCalls(graph, symbols))
        {
            return null;
        }

        var result = new HashSet<IOperation>();
        var analysis = AtomicContextAnalysis.Create(graph, method, symbols, ct);
        foreach (var operation in ControlFlowGraphs.Operations(graph))
        {
            var relevant = SleepingCalls.Classify(operation, symbols, assembly).Kind != SleepingCallKind.None
                || (operation is IInvocationOperation invocation && symbols.IsAllocation(invocation.TargetMethod));
            if (relevant && analysis.GetContext(operation)?.IsCallerHeld != true)
            {
                result.Add(operation);
            }
        }

        return result;
    }

    /// <summary>The method runs in atomic context by an attribute: the caller's lock ([LockHeld], ...), or all of it ([RunsInAtomicContext], hooks).</summary>
    private static bool IsAtomicByAttribute(IMethodSymbol method, RuntimeSymbols symbols)
        => CallerLocks.Of(method, symbols).Count > 0
           || AtomicContextAnalysis.HasAttribute(method, symbols.AllocationHookAttribute, symbols)
           || AtomicContextAnalysis.HasAttribute(method, symbols.RunsInAtomicContextAttribute, symbols);

    /// <summary>Lock calls, or calls to lock helpers (which take or release their caller's locks).</summary>
    private static bool HasLockCalls(ControlFlowGraph graph, RuntimeSymbols symbols)
    {
        var helpers = graph.OriginalOperation.SemanticModel?.Compilation is { } compilation ? LockHelpers.For(compilation, symbols) : null;
        foreach (var operation in ControlFlowGraphs.Operations(graph))
        {
            if (operation is IInvocationOperation invocation
                && (symbols.IsLockOperation(invocation.TargetMethod) || helpers?.EffectsOf(invocation, CancellationToken.None).IsEmpty == false))
            {
                return true;
            }
        }

        return false;
    }
}

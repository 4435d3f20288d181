// One call in the code being analysed, seen through its callee's summary: what the callee does with the
// arguments this call passes, with every condition the arguments decide already decided. Rules ask it
// "may this call sleep, and why?" (GFP009) and "which flags reach which allocation?" (GFP001-GFP003).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

/// <summary>A callee's flow as it arrives through one call: the flags in the caller's terms.</summary>
internal readonly struct ArrivingFlow
{
    public ArrivingFlow(FlagFlow flow, FlagValue value, bool decided)
    {
        Flow = flow;
        Value = value;
        Decided = decided;
    }

    public FlagFlow Flow { get; }

    public FlagValue Value { get; }

    /// <summary>False when whether the allocation happens depends on flags nobody passes in (or on the caller's own flags).</summary>
    public bool Decided { get; }
}

internal sealed class CallSite
{
    /// <summary>Chains longer than this are cut short in messages ("…, which may sleep").</summary>
    private const int MaxChainInMessage = 4;

    private readonly ArgumentFacts?[] _arguments;
    private readonly ImmutableArray<ParameterCondition> _atCall;

    private CallSite(IMethodSymbol callee, MethodSummary summary, ArgumentFacts?[] arguments, ImmutableArray<ParameterCondition> atCall)
    {
        Callee = callee;
        Summary = summary;
        _arguments = arguments;
        _atCall = atCall;
    }

    public IMethodSymbol Callee { get; }

    public MethodSummary Summary { get; }

    public string CalleeName => SummaryStore.NameOf(Callee);

    /// <summary>
    /// The call <paramref name="call"/> (an operation of <paramref name="graph"/>, in block <paramref name="block"/>) to a
    /// method of the compilation, or null when its callee is unknown (virtual dispatch, no body here, past a bound).
    /// With <paramref name="flowsOnly"/> (a rule that reads only <see cref="Flows"/>), also null when the callee reaches
    /// no allocation: the caller's conditions and flags are not computed for it.
    /// </summary>
    public static CallSite? Create(IOperation call, IMethodSymbol callee, ControlFlowGraph graph, int block, ISymbol owner,
        RuntimeSymbols symbols, Compilation compilation, CancellationToken ct, bool flowsOnly = false)
    {
        if (LocalFacts.IsUnknownDispatch(call))
        {
            return null;
        }

        var summary = SummaryStore.For(compilation, symbols).Get(callee, ct, graph);
        if (summary.IsUnknown || (summary.Flows.IsEmpty && (flowsOnly || summary.Sleeps.IsEmpty)))
        {
            return null;
        }

        var caller = owner as IMethodSymbol;
        var conditions = ConditionFacts.Of(graph, caller, symbols);
        if (conditions.At(block) is not { } holding)
        {
            return null;
        }

        // The flag analysis of the caller's graph only for a call that passes flags (most sleeping calls pass none).
        FlagValueAnalysis? flags = null;
        var arguments = LocalFacts.Arguments(call, caller, graph, ref flags, conditions.Trusted, symbols, ct);
        return new CallSite(SummaryStore.Key(callee), summary, arguments, holding);
    }

    /// <summary>
    /// A method of the compilation passed as a delegate (a method group) and invoked later with arguments nobody here
    /// knows: its summary with every condition on its parameters left open. Null when it is unknown (no body here,
    /// virtual, past a bound) or does nothing the rules read.
    /// </summary>
    public static CallSite? ForCallback(IMethodSymbol method, RuntimeSymbols symbols, Compilation compilation, CancellationToken ct)
    {
        if (method.IsAbstract || method.IsExtern || ((method.IsVirtual || method.IsOverride) && !method.IsSealed && !method.ContainingType.IsSealed)
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly))
        {
            return null;
        }

        var summary = SummaryStore.For(compilation, symbols).Get(method, ct);
        return summary.IsUnknown || (summary.Sleeps.IsEmpty && summary.Flows.IsEmpty)
            ? null
            : new CallSite(SummaryStore.Key(method), summary, System.Array.Empty<ArgumentFacts?>(), ImmutableArray<ParameterCondition>.Empty);
    }

    /// <summary>
    /// Why the callee may sleep on this call, as GFP009 words it ("'Flush' calls 'Rcu.Synchronize()'"), or null.
    /// Effects that depend on flags the call does not decide are not counted: they are GFP003's (inherited flags).
    /// </summary>
    public string? SleepReason(GfpBits bits, out IReadOnlyList<int>? sleepingArguments)
    {
        // Set only when every way the callee may sleep on this call comes from the flags it passes (the fix can change them).
        var argumentOrdinals = new SortedSet<int>();
        var onlyArguments = true;
        string? best = null;
        (ImmutableArray<string> Chain, Location Leaf, ImmutableArray<ParameterCondition> Conditions) bestKey = (ImmutableArray<string>.Empty, Location.None, ImmutableArray<ParameterCondition>.Empty);

        void Consider(string reason, ImmutableArray<string> chain, Location leaf, ImmutableArray<ParameterCondition> conditions)
        {
            if (best is null || MethodSummary.EffectOrder(chain, leaf, conditions, bestKey.Chain, bestKey.Leaf, bestKey.Conditions) < 0)
            {
                best = reason;
                bestKey = (chain, leaf, conditions);
            }
        }

        foreach (var sleep in Summary.Sleeps)
        {
            // A sleep inside an atomic section of the callee (or of a method it calls) is reported there: once per mistake.
            if (!sleep.InSection && CallComposition.Substitute(sleep.Conditions, _arguments, _atCall) is { UnknownFlags: false, HasFlagAtoms: false })
            {
                onlyArguments &= FlagAtomOrdinals(sleep.Conditions, argumentOrdinals);
                Consider(WithChain(sleep.Chain, sleep.Leaf), sleep.Chain, sleep.LeafLocation, sleep.Conditions);
            }
        }

        foreach (var arriving in Flows())
        {
            var value = arriving.Value;
            if (arriving.Decided && !arriving.Flow.InSection && (value.ConstantBits & bits.DirectReclaim) != 0)
            {
                onlyArguments &= (arriving.Flow.Value.ConstantBits & bits.DirectReclaim) != 0
                    ? FlagAtomOrdinals(arriving.Flow.Conditions, argumentOrdinals)
                    : ParameterOrdinals(arriving.Flow.Value, bits.DirectReclaim, argumentOrdinals);
                Consider(FlowReason(arriving, bits), arriving.Flow.Chain, arriving.Flow.Location, arriving.Flow.Conditions);
            }
        }

        sleepingArguments = best is not null && onlyArguments && argumentOrdinals.Count > 0 ? new List<int>(argumentOrdinals) : null;
        return best is null ? null : $"'{CalleeName}' {best}";
    }

    /// <summary>The parameters whose flag tests (decided by this call's arguments) the effect depends on; false when none.</summary>
    private bool FlagAtomOrdinals(ImmutableArray<ParameterCondition> conditions, SortedSet<int> ordinals)
    {
        var any = false;
        foreach (var atom in conditions)
        {
            if (atom.IsFlagTest && atom.Ordinal < _arguments.Length && _arguments[atom.Ordinal]?.Flags is not null)
            {
                ordinals.Add(atom.Ordinal);
                any = true;
            }
        }

        return any;
    }

    /// <summary>The parameters whose flags carry <paramref name="bits"/> to the allocation; false when none.</summary>
    private bool ParameterOrdinals(FlagValue calleeValue, uint bits, SortedSet<int> ordinals)
    {
        var any = false;
        foreach (var origin in calleeValue.OriginsOf(bits, constant: false))
        {
            if (origin.Kind == FlagOriginKind.Parameter && CallComposition.ParameterOrdinal(origin.Description, Summary.ParameterNames) is { } ordinal)
            {
                ordinals.Add(ordinal);
                any = true;
            }
        }

        return any;
    }

    /// <summary>The callee's flows that may happen on this call, with the flags that arrive.</summary>
    public IEnumerable<ArrivingFlow> Flows()
    {
        foreach (var flow in Summary.Flows)
        {
            if (CallComposition.Substitute(flow.Conditions, _arguments, _atCall) is not { } conditions)
            {
                continue;
            }

            var value = CallComposition.Substitute(flow.Value, _arguments, Summary.ParameterNames);
            if (!value.HasErrors)
            {
                yield return new ArrivingFlow(flow, value, !flow.OnUnknownFlags && !conditions.UnknownFlags && !conditions.HasFlagAtoms);
            }
        }
    }

    /// <summary>"'Outer' → 'Inner' → AllocPage": the calls from this call's callee to the allocation.</summary>
    public string Path(FlagFlow flow)
    {
        var text = new StringBuilder().Append('\'').Append(CalleeName).Append('\'');
        foreach (var name in flow.Chain)
        {
            text.Append(" → '").Append(name).Append('\'');
        }

        return text.Append(" → ").Append(flow.Allocation).ToString();
    }

    private string FlowReason(ArrivingFlow arriving, GfpBits bits)
    {
        var flow = arriving.Flow;
        var direct = bits.DirectReclaim;
        if ((flow.Value.ConstantBits & direct) != 0)
        {
            // The callee's own constant: sleeps unless a test of its parameters (decided by this call) says otherwise.
            var constant = FirstDescription(flow.Value.OriginsOf(direct, constant: true), "DirectReclaim");
            var leaf = $"allocates with {constant} at line {flow.Line}";
            foreach (var atom in flow.Conditions)
            {
                if (atom.IsFlagTest && atom.Ordinal < Summary.ParameterNames.Length && _arguments.Length > atom.Ordinal
                    && _arguments[atom.Ordinal]?.Flags is { } passed)
                {
                    var name = Summary.ParameterNames[atom.Ordinal];
                    leaf += $" when {atom.Describe(name, bits)}, and this call passes {FirstDescription(passed.OriginsOf((uint)atom.Value, constant: true), name)}";
                    break;
                }
            }

            return WithChain(flow.Chain, leaf);
        }

        var passedFlags = FirstDescription(arriving.Value.OriginsOf(direct, constant: true), "DirectReclaim");
        var parameter = "flags";
        foreach (var origin in flow.Value.OriginsOf(direct, constant: false))
        {
            if (origin.Kind == FlagOriginKind.Parameter)
            {
                parameter = origin.Description.Substring("parameter ".Length);
                break;
            }
        }

        return flow.Chain.IsEmpty
            ? $"allocates with its parameter {parameter} at line {flow.Line}, and this call passes {passedFlags}"
            : $"passes its parameter {parameter} through {Path(flow)} at line {flow.Line}, and this call passes {passedFlags}";
    }

    /// <summary>"calls 'Drain', which " per hop, then the leaf; cut after <see cref="MaxChainInMessage"/> hops ("…, which may sleep").</summary>
    private static string WithChain(ImmutableArray<string> chain, string leaf)
    {
        var text = new StringBuilder();
        for (var i = 0; i < chain.Length; i++)
        {
            if (i == MaxChainInMessage)
            {
                return text.Append("calls '").Append(chain[i]).Append("', which may sleep").ToString();
            }

            text.Append("calls '").Append(chain[i]).Append("', which ");
        }

        return text.Append(leaf).ToString();
    }

    private static string FirstDescription(ImmutableArray<FlagOrigin> origins, string fallback)
        => origins.IsEmpty ? fallback : origins[0].Description;
}

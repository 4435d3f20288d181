// Composing a callee's summary into a call: its conditions are evaluated with the arguments (holds, cannot
// hold, unknown, or rewritten onto the caller's own parameters), and its flows' flag values are re-expressed
// in the caller's terms — a callee's "parameter 'gfp'" bits become the argument's bits through the same mask.
using System.Collections.Generic;
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;

namespace GfpAnalyzers.Analyzers.Interprocedural;

/// <summary>A callee's condition after the call's arguments were put in.</summary>
internal readonly struct SubstitutedConditions
{
    public SubstitutedConditions(ImmutableArray<ParameterCondition> conditions, bool unknownFlags)
    {
        Conditions = conditions;
        UnknownFlags = unknownFlags;
    }

    /// <summary>Atoms about the caller's parameters (and what held at the call) that remain to be decided.</summary>
    public ImmutableArray<ParameterCondition> Conditions { get; }

    /// <summary>A flag test on flags nobody passes in: the effect happens or not by flags of unknown origin.</summary>
    public bool UnknownFlags { get; }

    public bool HasFlagAtoms
    {
        get
        {
            foreach (var atom in Conditions)
            {
                if (atom.IsFlagTest)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

internal static class CallComposition
{
    /// <summary>Effects whose chain would be longer than this are not followed (a bound on recursion's unrolling).</summary>
    public const int MaxChainLength = 32;

    /// <summary>
    /// <paramref name="calleeConditions"/> with the call's arguments put in, joined with what holds at the call;
    /// null when the effect cannot happen on this call.
    /// </summary>
    public static SubstitutedConditions? Substitute(ImmutableArray<ParameterCondition> calleeConditions, ArgumentFacts?[] arguments, ImmutableArray<ParameterCondition> atCall)
    {
        var result = atCall;
        var unknownFlags = false;
        foreach (var atom in calleeConditions)
        {
            var argument = atom.Ordinal < arguments.Length ? arguments[atom.Ordinal] : null;
            var verdict = argument is null ? AtomVerdict.Unknown : argument.Evaluate(atom, out var rewritten);
            switch (verdict)
            {
                case AtomVerdict.CannotHold:
                    return null;
                case AtomVerdict.Unknown:
                    unknownFlags |= atom.IsFlagTest;
                    break;
                case AtomVerdict.Rewritten:
                    argument!.Evaluate(atom, out rewritten);
                    if (ConditionFacts.Add(result, rewritten) is not { } added)
                    {
                        return null;
                    }

                    result = added;
                    break;
            }
        }

        return new SubstitutedConditions(result, unknownFlags);
    }

    /// <summary>The flags a callee's flow receives, in the caller's terms.</summary>
    public static FlagValue Substitute(FlagValue calleeValue, ArgumentFacts?[] arguments, ImmutableArray<string> calleeParameters)
    {
        var result = FlagValue.Constant(0, string.Empty, null);
        foreach (var origin in calleeValue.Origins)
        {
            FlagValue part;
            if (origin.IsConstant)
            {
                // The constant's bits that are set on every path stay must-bits; the others only may-bits.
                part = FlagValue.Constant(origin.Bits, origin.Description, origin.Location)
                    .Join(FlagValue.Constant(origin.Bits & calleeValue.Must, origin.Description, origin.Location));
            }
            else if (origin.Kind == FlagOriginKind.Parameter && ParameterOrdinal(origin.Description, calleeParameters) is { } ordinal)
            {
                var argument = ordinal < arguments.Length ? arguments[ordinal] : null;
                if (argument?.Flags is not { } passed)
                {
                    // A default value or an argument the summary could not read: unknown, and silent if it did not bind.
                    return FlagValue.Invalid;
                }

                part = FlagValue.And(passed, FlagValue.Constant(origin.Bits, "mask", null));
            }
            else
            {
                part = FlagValue.And(FlagValue.Unknown(origin.Kind, origin.Description, origin.Location), FlagValue.Constant(origin.Bits, "mask", null));
            }

            result = FlagValue.Or(result, part);
        }

        return calleeValue.HasErrors ? result.WithErrors() : result;
    }

    /// <summary>Adds what <paramref name="callee"/> does, seen through <paramref name="call"/>, to the caller's effects.</summary>
    public static void Compose(CallFacts call, MethodSummary callee, List<SleepEffect> sleeps, List<FlagFlow> flows)
    {
        var name = SummaryStore.NameOf(call.Callee);
        foreach (var sleep in callee.Sleeps)
        {
            if (sleep.Chain.Length >= MaxChainLength
                || Substitute(sleep.Conditions, call.Arguments, call.Conditions) is not { UnknownFlags: false } conditions)
            {
                continue;
            }

            sleeps.Add(new SleepEffect(sleep.Leaf, sleep.LeafLocation, sleep.Chain.Insert(0, name), conditions.Conditions, sleep.InSection || call.InSection));
        }

        foreach (var flow in callee.Flows)
        {
            if (flow.Chain.Length >= MaxChainLength
                || Substitute(flow.Conditions, call.Arguments, call.Conditions) is not { } conditions)
            {
                continue;
            }

            var value = Substitute(flow.Value, call.Arguments, callee.ParameterNames);
            if (!value.HasErrors)
            {
                flows.Add(new FlagFlow(value, flow.Allocation, flow.Location, flow.Chain.Insert(0, name), conditions.Conditions,
                    flow.OnUnknownFlags || conditions.UnknownFlags, flow.InSection || call.InSection));
            }
        }
    }

    public static int? ParameterOrdinal(string originDescription, ImmutableArray<string> parameters)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (NamesParameter(originDescription, parameters[i]))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>Whether a flag origin's description is "parameter '<paramref name="name"/>'" (compared in place: no string per question).</summary>
    public static bool NamesParameter(string originDescription, string name)
        => originDescription.Length == ParameterPrefix.Length + name.Length + 1
           && originDescription.StartsWith(ParameterPrefix, System.StringComparison.Ordinal)
           && originDescription[originDescription.Length - 1] == '\''
           && string.CompareOrdinal(originDescription, ParameterPrefix.Length, name, 0, name.Length) == 0;

    private const string ParameterPrefix = "parameter '";
}

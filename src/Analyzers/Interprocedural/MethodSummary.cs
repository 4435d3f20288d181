// What a method does for its callers, composed through any depth of calls (see SummaryStore):
//   Sleeps  the reasons it may sleep other than its allocations' flags (Rcu.Synchronize(), [MightSleep]
//           calls — sleeping locks among them), each with the chain of calls that leads there and the
//           conditions on its parameters under which that happens;
//   Flows   the allocations it reaches, each with the flags that arrive there as a FlagValue over its own
//           parameters (so `Outer(gfp) → Middle(gfp & ~HighMem) → AllocPage(gfp)` is one transfer
//           "parameter 'gfp' minus HighMem"), the chain and the conditions.
// A summary is a pure function of the compilation: lists are ordered and capped deterministically.
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Interprocedural;

internal sealed class MethodSummary
{
    /// <summary>At most this many sleep reasons and flows are kept per method (the first in <see cref="EffectOrder"/>).</summary>
    public const int MaxSleeps = 8;
    public const int MaxFlows = 16;

    public MethodSummary(ImmutableArray<string> parameterNames, ImmutableArray<SleepEffect> sleeps, ImmutableArray<FlagFlow> flows, bool isUnknown = false,
        ImmutableArray<int> atomicallyInvoked = default, ImmutableArray<string> invocationContexts = default)
    {
        ParameterNames = parameterNames;
        Sleeps = sleeps;
        Flows = flows;
        IsUnknown = isUnknown;
        AtomicallyInvoked = atomicallyInvoked.IsDefault ? ImmutableArray<int>.Empty : atomicallyInvoked;
        InvocationContexts = invocationContexts.IsDefault ? ImmutableArray<string>.Empty : invocationContexts;
    }

    /// <summary>
    /// For each of <see cref="AtomicallyInvoked"/> (same index): where the delegate is invoked, completing "invokes it ___"
    /// ("inside the spin_lock section of '_lock' entered at line 12", "through 'ForEachLocked' inside ...").
    /// </summary>
    public ImmutableArray<string> InvocationContexts { get; }

    /// <summary>Where the delegate passed for parameter <paramref name="ordinal"/> is invoked in atomic context, or null.</summary>
    public string? InvocationContextOf(int ordinal)
    {
        var index = AtomicallyInvoked.IndexOf(ordinal);
        return index < 0 ? null : index < InvocationContexts.Length ? InvocationContexts[index] : "in atomic context";
    }

    /// <summary>
    /// The delegate parameters (ordinals, ascending) the method invokes in atomic context — itself, inside a section,
    /// or by handing them to a method that does: a lambda passed there runs in atomic context.
    /// </summary>
    public ImmutableArray<int> AtomicallyInvoked { get; }

    /// <summary>Nothing is known (no body here, past a bound): every rule stays silent about calls to it.</summary>
    public static MethodSummary Unknown { get; } = new(ImmutableArray<string>.Empty, ImmutableArray<SleepEffect>.Empty, ImmutableArray<FlagFlow>.Empty, isUnknown: true);

    public bool IsUnknown { get; }

    public ImmutableArray<string> ParameterNames { get; }

    public ImmutableArray<SleepEffect> Sleeps { get; }

    public ImmutableArray<FlagFlow> Flows { get; }

    public bool SameAs(MethodSummary other)
    {
        if (IsUnknown != other.IsUnknown || Sleeps.Length != other.Sleeps.Length || Flows.Length != other.Flows.Length
            || !SameItems(AtomicallyInvoked, other.AtomicallyInvoked) || !SameChain(InvocationContexts, other.InvocationContexts))
        {
            return false;
        }

        for (var i = 0; i < Sleeps.Length; i++)
        {
            if (!Sleeps[i].SameAs(other.Sleeps[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < Flows.Length; i++)
        {
            if (!Flows[i].SameAs(other.Flows[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Shorter chains first, then by where the leaf is (file, position), then fewer conditions.</summary>
    public static int EffectOrder(ImmutableArray<string> chainA, Location leafA, ImmutableArray<ParameterCondition> conditionsA,
        ImmutableArray<string> chainB, Location leafB, ImmutableArray<ParameterCondition> conditionsB)
    {
        var order = chainA.Length.CompareTo(chainB.Length);
        if (order == 0)
        {
            order = string.CompareOrdinal(leafA.SourceTree?.FilePath, leafB.SourceTree?.FilePath);
        }

        if (order == 0)
        {
            order = leafA.SourceSpan.Start.CompareTo(leafB.SourceSpan.Start);
        }

        if (order == 0)
        {
            order = conditionsA.Length.CompareTo(conditionsB.Length);
        }

        for (var i = 0; order == 0 && i < conditionsA.Length; i++)
        {
            order = conditionsA[i].CompareTo(conditionsB[i]);
        }

        return order;
    }

    internal static bool SameConditions(ImmutableArray<ParameterCondition> a, ImmutableArray<ParameterCondition> b) => SameItems(a, b);

    internal static bool SameChain(ImmutableArray<string> a, ImmutableArray<string> b) => SameItems(a, b);

    /// <summary>The same items in the same order (no LINQ: summaries are compared at every step of their fixed point).</summary>
    private static bool SameItems<T>(ImmutableArray<T> a, ImmutableArray<T> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        var comparer = System.Collections.Generic.EqualityComparer<T>.Default;
        for (var i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// "calls 'Rcu.Synchronize()'" reached through <see cref="Chain"/> (the methods called on the way, outermost
/// first, not counting the summarised method) when <see cref="Conditions"/> hold.
/// </summary>
internal sealed class SleepEffect
{
    public SleepEffect(string leaf, Location leafLocation, ImmutableArray<string> chain, ImmutableArray<ParameterCondition> conditions, bool inSection = false)
    {
        Leaf = leaf;
        LeafLocation = leafLocation;
        Chain = chain;
        Conditions = conditions;
        InSection = inSection;
    }

    /// <summary>It happens inside an atomic section of some method on the chain: a bug reported there, not a sleep to advertise.</summary>
    public bool InSection { get; }

    /// <summary>The direct reason, a verb phrase: "calls 'Rcu.Synchronize()'", "calls 'Wait', which is marked [MightSleep]".</summary>
    public string Leaf { get; }

    public Location LeafLocation { get; }

    public ImmutableArray<string> Chain { get; }

    public ImmutableArray<ParameterCondition> Conditions { get; }

    public bool SameAs(SleepEffect other)
        => Leaf == other.Leaf && LeafLocation == other.LeafLocation && InSection == other.InSection && MethodSummary.SameChain(Chain, other.Chain)
           && MethodSummary.SameConditions(Conditions, other.Conditions);
}

/// <summary>An allocation the method reaches, with the flags that arrive there.</summary>
internal sealed class FlagFlow
{
    public FlagFlow(FlagValue value, string allocation, Location location, ImmutableArray<string> chain,
        ImmutableArray<ParameterCondition> conditions, bool onUnknownFlags, bool inSection = false)
    {
        InSection = inSection;
        Value = value;
        Allocation = allocation;
        Location = location;
        Chain = chain;
        Conditions = conditions;
        OnUnknownFlags = onUnknownFlags;
    }

    /// <summary>The flags at the allocation: constants keep their names, the method's parameters are "parameter 'gfp'" origins.</summary>
    public FlagValue Value { get; }

    /// <summary>The allocation is inside an atomic section of some method on the chain (judged there by GFP001-GFP003).</summary>
    public bool InSection { get; }

    /// <summary>"AllocPage", "AllocPages", ...</summary>
    public string Allocation { get; }

    public Location Location { get; }

    public int Line => Location.GetLineSpan().StartLinePosition.Line + 1;

    public ImmutableArray<string> Chain { get; }

    public ImmutableArray<ParameterCondition> Conditions { get; }

    /// <summary>
    /// The allocation happens only when some flags, which no caller controls, have (or lack) a bit: the flow
    /// is kept (its other bits still matter) but its DirectReclaim from constants proves no sleep.
    /// </summary>
    public bool OnUnknownFlags { get; }

    public bool SameAs(FlagFlow other)
        => Allocation == other.Allocation && Location == other.Location && OnUnknownFlags == other.OnUnknownFlags && InSection == other.InSection
           && Value.Equals(other.Value) && MethodSummary.SameChain(Chain, other.Chain)
           && MethodSummary.SameConditions(Conditions, other.Conditions);
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Interprocedural;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>What may be true of one page on the paths reaching a program point.</summary>
[Flags]
internal enum PagePaths : byte
{
    None = 0,

    /// <summary>Not allocated yet, null (after a null check), or already freed: no obligation.</summary>
    Absent = 1,

    /// <summary>Allocated and not yet cleared: freeing it here makes Linux warn "alloc_tag was not set".</summary>
    Uncleared = 2,

    /// <summary>Cleared, or handed to code that may have cleared it: no obligation we can prove.</summary>
    Settled = 4,
}

/// <summary>
/// The paths on which a page is in each state, with the branch that best describes an uncleared path
/// (used only for the message).
/// </summary>
internal readonly struct PageFact : IEquatable<PageFact>
{
    public PageFact(PagePaths paths, object? witness, ControlFlowBranch? guard = null, ImmutableArray<ParameterCondition> conditions = default)
    {
        Paths = paths;
        Witness = (paths & PagePaths.Uncleared) != 0 ? witness : null;
        Guard = (paths & (PagePaths.Uncleared | PagePaths.Settled)) == (PagePaths.Uncleared | PagePaths.Settled) ? guard : null;
        Conditions = (paths & PagePaths.Uncleared) != 0 && !conditions.IsDefault ? conditions : ImmutableArray<ParameterCondition>.Empty;
    }

    /// <summary>
    /// What holds of the method's own (never assigned) parameters on every path where the page is uncleared: the
    /// conditions under which the method frees it uncleared, returns it uncleared, or returns with it uncleared, which
    /// a caller evaluates with its arguments. A branch that contradicts them is not taken by an uncleared path.
    /// </summary>
    public ImmutableArray<ParameterCondition> Conditions { get; }

    /// <summary>The same fact with other paths, keeping its witness, guard and conditions.</summary>
    public PageFact WithPaths(PagePaths paths, object? witness) => new(paths, witness, Guard, Conditions);

    public PagePaths Paths { get; }

    /// <summary>
    /// When some paths clear and some do not: a branch every uncleared path took. A later test of the same unchanging
    /// condition the other way cannot be on an uncleared path (correlated branches: <c>if (c) clear; ... if (c) free;</c>).
    /// </summary>
    public ControlFlowBranch? Guard { get; }

    /// <summary>The branch every uncleared path took, if one is known (the guard, or the witness while no path clears).</summary>
    public ControlFlowBranch? UnclearedPathsTook => MayBeSettled ? Guard : Witness as ControlFlowBranch;

    /// <summary>
    /// A <see cref="ControlFlowBranch"/> taken, or a <see cref="ThrowWitness"/> (a call that threw), on some path
    /// where the page is uncleared; null when none describes it.
    /// </summary>
    public object? Witness { get; }

    public bool MayBeUncleared => (Paths & PagePaths.Uncleared) != 0;

    public bool MayBeSettled => (Paths & PagePaths.Settled) != 0;

    /// <summary>Uncleared on every path where it exists: no path clears it.</summary>
    public bool UnclearedOnEveryPath => MayBeUncleared && !MayBeSettled;

    public static PageFact Join(PageFact a, PageFact b)
    {
        var paths = a.Paths | b.Paths;
        object? witness;
        if (!a.MayBeUncleared)
        {
            witness = b.Witness;
        }
        else if (!b.MayBeUncleared)
        {
            witness = a.Witness;
        }
        else if (a.UnclearedOnEveryPath && b.UnclearedOnEveryPath)
        {
            // Reached both ways without a clear anywhere: neither branch explains the miss.
            witness = ReferenceEquals(a.Witness, b.Witness) ? a.Witness : null;
        }
        else
        {
            // Some path clears: keep the branch recorded where clearing and not clearing parted ways,
            // preferring the side that already had both, then the earlier branch for determinism.
            witness = (a.MayBeSettled, b.MayBeSettled) switch
            {
                (true, false) => a.Witness ?? b.Witness,
                (false, true) => b.Witness ?? a.Witness,
                _ => Earlier(a.Witness, b.Witness),
            };
        }

        var conditions = !a.MayBeUncleared ? b.Conditions
            : !b.MayBeUncleared ? a.Conditions
            : ConditionFacts.Intersect(a.Conditions, b.Conditions);
        return new PageFact(paths, witness, JoinGuards(a, b), conditions);
    }

    public bool Equals(PageFact other)
        => Paths == other.Paths && ReferenceEquals(Witness, other.Witness) && ReferenceEquals(Guard, other.Guard)
           && MethodSummary.SameConditions(Conditions, other.Conditions);

    /// <summary>A branch every uncleared path of both sides took, or null.</summary>
    private static ControlFlowBranch? JoinGuards(PageFact a, PageFact b)
    {
        if (!a.MayBeUncleared)
        {
            return b.UnclearedPathsTook;
        }

        if (!b.MayBeUncleared)
        {
            return a.UnclearedPathsTook;
        }

        return ReferenceEquals(a.UnclearedPathsTook, b.UnclearedPathsTook) ? a.UnclearedPathsTook : null;
    }

    public override bool Equals(object? obj) => obj is PageFact other && Equals(other);

    public override int GetHashCode() => (int)Paths;

    private static object? Earlier(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }

        return Order(a) <= Order(b) ? a : b;
    }

    private static int Order(object witness) => witness switch
    {
        ControlFlowBranch branch => (branch.Source.Ordinal * 2) + (branch.IsConditionalSuccessor ? 1 : 0),
        ThrowWitness thrown => thrown.BlockOrdinal * 2,
        _ => int.MaxValue,
    };
}

/// <summary>The path on which a call inside a try threw, for handlers and finally blocks that see it.</summary>
internal sealed class ThrowWitness
{
    public ThrowWitness(IOperation call, int blockOrdinal)
    {
        Call = call;
        BlockOrdinal = blockOrdinal;
    }

    public IOperation Call { get; }

    public int BlockOrdinal { get; }
}

/// <summary>What a variable may hold: tracked pages, and whether it may also hold some untracked page.</summary>
internal readonly struct PageValue : IEquatable<PageValue>
{
    public static readonly PageValue Null = new(ImmutableArray<PageOrigin>.Empty, mayBeOther: false);
    public static readonly PageValue Other = new(ImmutableArray<PageOrigin>.Empty, mayBeOther: true);

    private readonly ImmutableArray<PageOrigin> _origins;

    private PageValue(ImmutableArray<PageOrigin> origins, bool mayBeOther)
    {
        _origins = origins;
        MayBeOther = mayBeOther;
    }

    /// <summary>Tracked pages it may hold, ordered by <see cref="PageOrigin.Id"/>.</summary>
    public ImmutableArray<PageOrigin> Origins => _origins.IsDefault ? ImmutableArray<PageOrigin>.Empty : _origins;

    /// <summary>It may hold a page the analysis does not track (unknown origin).</summary>
    public bool MayBeOther { get; }

    /// <summary>The single tracked page it holds when it holds nothing else (null aside), otherwise null.</summary>
    public PageOrigin? Single => !MayBeOther && Origins.Length == 1 ? Origins[0] : null;

    public static PageValue Of(PageOrigin origin) => new(ImmutableArray.Create(origin), mayBeOther: false);

    /// <summary>The same value with <paramref name="from"/> replaced by <paramref name="to"/>.</summary>
    public PageValue Replace(PageOrigin from, PageOrigin to)
    {
        var replaced = Origins.Remove(from);
        return Join(new PageValue(replaced, MayBeOther), Of(to));
    }

    public static PageValue Join(PageValue a, PageValue b)
    {
        if (a.Equals(b))
        {
            return a;
        }

        var merged = new List<PageOrigin>(a.Origins);
        foreach (var origin in b.Origins)
        {
            if (!merged.Contains(origin))
            {
                merged.Add(origin);
            }
        }

        merged.Sort((x, y) => x.Id.CompareTo(y.Id));
        return new PageValue(merged.ToImmutableArray(), a.MayBeOther || b.MayBeOther);
    }

    public bool Equals(PageValue other)
    {
        if (MayBeOther != other.MayBeOther || Origins.Length != other.Origins.Length)
        {
            return false;
        }

        for (var i = 0; i < Origins.Length; i++)
        {
            if (!ReferenceEquals(Origins[i], other.Origins[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is PageValue other && Equals(other);

    public override int GetHashCode() => (Origins.Length * 2) + (MayBeOther ? 1 : 0);
}

/// <summary>Dictionary keys for variables: symbols compare with <see cref="SymbolEqualityComparer.Default"/>.</summary>
internal sealed class VariableKeyComparer : IEqualityComparer<object>
{
    public static readonly VariableKeyComparer Instance = new();

    public new bool Equals(object? x, object? y)
        => x is ISymbol a ? y is ISymbol b && SymbolEqualityComparer.Default.Equals(a, b) : object.Equals(x, y);

    public int GetHashCode(object obj)
        => obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
}

/// <summary>
/// The abstract state at a program point: what each variable (local, parameter, flow capture, member
/// location) may hold, and each tracked page's fact. Missing entries take defaults from the analysis.
/// </summary>
internal sealed class ObligationState
{
    public ObligationState()
    {
        Variables = new Dictionary<object, PageValue>(VariableKeyComparer.Instance);
        Facts = new Dictionary<PageOrigin, PageFact>();
    }

    private ObligationState(ObligationState other)
    {
        Variables = new Dictionary<object, PageValue>(other.Variables, VariableKeyComparer.Instance);
        Facts = new Dictionary<PageOrigin, PageFact>(other.Facts);
        Path = other.Path;
    }

    /// <summary>
    /// What every path reaching this point proved of the method's own never-assigned parameters (the branches it took):
    /// a page allocated here is uncleared only under these conditions.
    /// </summary>
    public ImmutableArray<ParameterCondition> Path { get; set; } = ImmutableArray<ParameterCondition>.Empty;

    public Dictionary<object, PageValue> Variables { get; }

    public Dictionary<PageOrigin, PageFact> Facts { get; }

    public ObligationState Clone() => new(this);

    public bool ContentEquals(ObligationState other)
    {
        if (Variables.Count != other.Variables.Count || Facts.Count != other.Facts.Count || !MethodSummary.SameConditions(Path, other.Path))
        {
            return false;
        }

        foreach (var pair in Variables)
        {
            if (!other.Variables.TryGetValue(pair.Key, out var value) || !value.Equals(pair.Value))
            {
                return false;
            }
        }

        foreach (var pair in Facts)
        {
            if (!other.Facts.TryGetValue(pair.Key, out var fact) || !fact.Equals(pair.Value))
            {
                return false;
            }
        }

        return true;
    }
}

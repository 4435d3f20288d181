using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Interprocedural;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>What a method does to the page passed as one of its parameters, as its callers see it.</summary>
internal enum ParameterEffectKind
{
    /// <summary>The parameter cannot hold a page (value type, ref/out).</summary>
    NotAPage,

    /// <summary>Analyzed: see <see cref="ParameterEffect.FreesUncleared"/> and <see cref="ParameterEffect.AtExit"/>.</summary>
    Known,

    /// <summary>Not analyzable (captured by a lambda, say): the caller assumes it may be cleared.</summary>
    Unknown,
}

/// <summary>One parameter's line in a method summary.</summary>
internal readonly struct ParameterEffect
{
    private static readonly ImmutableArray<ImmutableArray<ParameterCondition>> FreesNowhere = ImmutableArray<ImmutableArray<ParameterCondition>>.Empty;

    public ParameterEffect(
        ParameterEffectKind kind,
        PagePaths atExit,
        ImmutableArray<ImmutableArray<ParameterCondition>> freeConditions = default,
        ImmutableArray<ParameterCondition> atExitConditions = default)
    {
        Kind = kind;
        AtExit = atExit;
        FreeConditions = freeConditions.IsDefault ? FreesNowhere : freeConditions;
        AtExitConditions = atExitConditions.IsDefault || (atExit & PagePaths.Uncleared) == 0 ? ImmutableArray<ParameterCondition>.Empty : atExitConditions;
    }

    public ParameterEffectKind Kind { get; }

    /// <summary>
    /// One entry per free (its own, or a callee's) that some path reaches with the parameter uncleared: the conditions on
    /// the method's parameters under which that happens (empty: whatever the arguments). At most
    /// <see cref="ConditionFacts.MaxAtoms"/> entries, in source order; frees past that are not reported through calls.
    /// </summary>
    public ImmutableArray<ImmutableArray<ParameterCondition>> FreeConditions { get; }

    /// <summary>Some path frees the parameter (directly or through a callee) without clearing it first.</summary>
    public bool FreesUncleared => !FreeConditions.IsEmpty;

    /// <summary>What holds of the parameters on every path that returns with the page still uncleared.</summary>
    public ImmutableArray<ParameterCondition> AtExitConditions { get; }

    /// <summary>
    /// What an uncleared page passed in may be when the method returns normally: still uncleared, settled
    /// (cleared, or escaped to code that may clear it), or absent (freed). None when it never returns.
    /// </summary>
    public PagePaths AtExit { get; }

    public bool SameAs(ParameterEffect other)
    {
        if (Kind != other.Kind || AtExit != other.AtExit || FreeConditions.Length != other.FreeConditions.Length
            || !MethodSummary.SameConditions(AtExitConditions, other.AtExitConditions))
        {
            return false;
        }

        for (var i = 0; i < FreeConditions.Length; i++)
        {
            if (!MethodSummary.SameConditions(FreeConditions[i], other.FreeConditions[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// A per-method summary, "clears parameter i before every free of it" or "frees parameter i without clearing",
/// and "returns a NoCodetag page it did not clear", computed once per compilation so callers need no re-analysis
/// of the callee.
/// </summary>
internal sealed class MethodObligationSummary
{
    /// <summary>For methods that cannot be analyzed (no body, virtual, too large, a cycle that does not settle): every page may be cleared.</summary>
    public static readonly MethodObligationSummary Opaque = new(ImmutableArray<ParameterEffect>.Empty, PagePaths.None, returnsUnknown: true, isOpaque: true);

    public MethodObligationSummary(
        ImmutableArray<ParameterEffect> parameters,
        PagePaths returned,
        bool returnsUnknown,
        bool isOpaque = false,
        ImmutableArray<ParameterCondition> returnConditions = default)
    {
        Parameters = parameters;
        Returned = returnsUnknown ? PagePaths.None : returned;
        ReturnConditions = returnConditions.IsDefault || (Returned & PagePaths.Uncleared) == 0 ? ImmutableArray<ParameterCondition>.Empty : returnConditions;
        ReturnsUnknown = returnsUnknown;
        IsOpaque = isOpaque;
    }

    public ImmutableArray<ParameterEffect> Parameters { get; }

    /// <summary>
    /// When the method returns a NoCodetag page (allocated with NoCodetag, read from a [NoCodetagPages] location, or
    /// returned by such a method) that may still be uncleared: the paths its caller receives it on (Uncleared, and
    /// Settled when some return paths cleared it). None when no path returns an uncleared NoCodetag page.
    /// </summary>
    public PagePaths Returned { get; }

    /// <summary>What holds of the parameters on every path that returns an uncleared NoCodetag page.</summary>
    public ImmutableArray<ParameterCondition> ReturnConditions { get; }

    /// <summary>
    /// Some path may return a page of unknown origin (a parameter, a plain field, a callee we cannot see), or the method
    /// cannot be analyzed: its callers track nothing from its result (unknown is not guilty). Otherwise every page it
    /// returns is described by <see cref="Returned"/> or carries no obligation (null, allocated with its tag, cleared).
    /// </summary>
    public bool ReturnsUnknown { get; }

    public bool IsOpaque { get; }

    /// <summary>Callers receive a page that carries the clear-before-free obligation.</summary>
    public bool ReturnsUnclearedPage => (Returned & PagePaths.Uncleared) != 0;

    public ParameterEffect For(int ordinal)
        => IsOpaque || ordinal < 0 || ordinal >= Parameters.Length
            ? new ParameterEffect(ParameterEffectKind.Unknown, PagePaths.None)
            : Parameters[ordinal];

    /// <summary>Same content (how a recursive component knows it has settled).</summary>
    public bool SameAs(MethodObligationSummary other)
    {
        if (IsOpaque != other.IsOpaque || Returned != other.Returned || ReturnsUnknown != other.ReturnsUnknown
            || !MethodSummary.SameConditions(ReturnConditions, other.ReturnConditions) || Parameters.Length != other.Parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < Parameters.Length; i++)
        {
            if (!Parameters[i].SameAs(other.Parameters[i]))
            {
                return false;
            }
        }

        return true;
    }
}

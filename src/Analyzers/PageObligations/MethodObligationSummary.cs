using System.Collections.Immutable;

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
    public ParameterEffect(ParameterEffectKind kind, bool freesUncleared, PagePaths atExit)
    {
        Kind = kind;
        FreesUncleared = freesUncleared;
        AtExit = atExit;
    }

    public ParameterEffectKind Kind { get; }

    /// <summary>Some path frees the parameter (directly or through a callee) without clearing it first.</summary>
    public bool FreesUncleared { get; }

    /// <summary>
    /// What an uncleared page passed in may be when the method returns normally: still uncleared, settled
    /// (cleared, or escaped to code that may clear it), or absent (freed). None when it never returns.
    /// </summary>
    public PagePaths AtExit { get; }
}

/// <summary>
/// A per-method summary, "clears parameter i before every free of it" or "frees parameter i without clearing",
/// computed once per compilation so callers need no re-analysis of the callee.
/// </summary>
internal sealed class MethodObligationSummary
{
    /// <summary>For methods that cannot be analyzed (recursion, no body, other syntax tree): every page may be cleared.</summary>
    public static readonly MethodObligationSummary Opaque = new(ImmutableArray<ParameterEffect>.Empty, isOpaque: true);

    public MethodObligationSummary(ImmutableArray<ParameterEffect> parameters, bool isOpaque = false)
    {
        Parameters = parameters;
        IsOpaque = isOpaque;
    }

    public ImmutableArray<ParameterEffect> Parameters { get; }

    public bool IsOpaque { get; }

    public ParameterEffect For(int ordinal)
        => IsOpaque || ordinal < 0 || ordinal >= Parameters.Length
            ? new ParameterEffect(ParameterEffectKind.Unknown, freesUncleared: false, PagePaths.None)
            : Parameters[ordinal];
}

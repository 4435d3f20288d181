namespace GfpAnalyzers.Runtime;

/// <summary>What a page's tag reference (<c>union codetag_ref</c>) holds.</summary>
public enum CodetagRefState
{
    /// <summary>Never set (<c>ref-&gt;ct == NULL</c>): freeing the page warns "alloc_tag was not set".</summary>
    NotSet = 0,

    /// <summary>CODETAG_EMPTY: deliberately empty (<c>clear_page_tag_ref</c>); freeing it is silent.</summary>
    Empty = 1,

    /// <summary>Points at the tag of the call site that allocated the page.</summary>
    Tagged = 2,

    /// <summary>The page has no place for a reference yet (page_ext not initialised) or profiling is off.</summary>
    Unavailable = 3,
}

/// <summary>A snapshot of a page's codetag reference.</summary>
public readonly record struct CodetagRef(CodetagRefState State, AllocTag? Tag)
{
    /// <summary>The reference was never set.</summary>
    public bool IsNotSet => State == CodetagRefState.NotSet;

    /// <summary>The reference is CODETAG_EMPTY.</summary>
    public bool IsEmpty => State == CodetagRefState.Empty;

    /// <summary>The reference points at a call site's tag.</summary>
    public bool IsTagged => State == CodetagRefState.Tagged;

    internal static CodetagRef From(AllocTag? stored)
        => stored is null ? new(CodetagRefState.NotSet, null)
            : ReferenceEquals(stored, AllocTag.Empty) ? new(CodetagRefState.Empty, null)
            : new(CodetagRefState.Tagged, stored);
}

namespace GfpAnalyzers.Runtime;

/// <summary>Which watermark an allocation attempt must leave a zone above (<c>ALLOC_WMARK_*</c>).</summary>
internal enum Watermark
{
    /// <summary>WMARK_LOW: the fast path.</summary>
    Low,

    /// <summary>WMARK_MIN: the slow path.</summary>
    Min,

    /// <summary>Half of WMARK_MIN: the slow path of a <c>__GFP_HIGH</c> allocation (ALLOC_MIN_RESERVE).</summary>
    HalfMin,

    /// <summary>No watermark (ALLOC_NO_WATERMARKS): <c>__GFP_MEMALLOC</c>, and <c>__GFP_NOFAIL</c>'s last resort.</summary>
    None,
}

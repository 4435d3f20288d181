namespace GfpAnalyzers.Runtime;

/// <summary>The two designs of the early-PFN tracker.</summary>
public enum EarlyPfnTrackerDesign
{
    /// <summary>The old design: a static array of 8192 PFNs that warns when full.</summary>
    FixedArray,

    /// <summary>The new design: a lock-free list of <see cref="PfnPool"/> pages grown on demand.</summary>
    PfnPoolList,
}

namespace GfpAnalyzers.Runtime;

/// <summary>What a kernel developer wants to know about the early-PFN tracker after a boot.</summary>
/// <param name="Design">The tracker design.</param>
/// <param name="EarlyAllocations">Allocations the boot code made before page_ext_init.</param>
/// <param name="Tracked">Early PFNs the tracker recorded.</param>
/// <param name="Dropped">Early allocations the tracker could not record.</param>
/// <param name="PoolPagesUsed">Pages the tracker took from the allocator (0 for the static array).</param>
/// <param name="ClearedTagRefs">References page-ext init marked CODETAG_EMPTY.</param>
/// <param name="BootWarnings">The log messages printed during boot.</param>
/// <param name="FailedAllocations">Allocations that failed during boot.</param>
/// <param name="TagNotSetAfterBoot">Frees of early allocations after boot that hit "alloc_tag was not set".</param>
/// <param name="TopAllocInfo">The top <c>/proc/allocinfo</c> lines after boot.</param>
/// <param name="SuppressedBootMessages">
/// Reports the log's rate limit (printk_ratelimited) counted instead of printing during boot, per rate-limit key
/// (e.g. <c>warn_alloc</c>), ordered by key; <see cref="BootWarnings"/> holds only what was printed.
/// </param>
public sealed record BootSummary(
    EarlyPfnTrackerDesign Design,
    long EarlyAllocations,
    long Tracked,
    long Dropped,
    long PoolPagesUsed,
    long ClearedTagRefs,
    IReadOnlyList<string> BootWarnings,
    long FailedAllocations,
    long TagNotSetAfterBoot,
    IReadOnlyList<string> TopAllocInfo,
    IReadOnlyList<KeyValuePair<string, long>> SuppressedBootMessages)
{
    /// <summary>All reports suppressed during boot.</summary>
    public long SuppressedBootMessageCount => SuppressedBootMessages.Sum(entry => entry.Value);

    /// <summary>Boots a kernel with <paramref name="options"/>, then frees its early allocations, and summarises.</summary>
    public static BootSummary Collect(BootOptions options, int topAllocInfoLines = 5)
    {
        var kernel = new KernelBoot(options);
        kernel.StartKernel();
        var early = kernel.EarlyAllocations.Count;
        var failed = kernel.Allocator.FailedAllocations;
        var top = kernel.Allocator.Profiling.TopAllocInfo(topAllocInfoLines);
        var bootWarnings = kernel.Log.Messages.Take(kernel.BootMessages).ToArray();
        var suppressed = kernel.Log.SuppressedByKey;
        var tagNotSet = kernel.FreeEarlyAllocations();
        var tracker = kernel.Tracker;
        return new BootSummary(
            tracker.Design, early, tracker.TrackedCount, tracker.DroppedCount, tracker.PoolPagesUsed,
            tracker.ClearedTagRefs, bootWarnings, failed, tagNotSet, top, suppressed);
    }
}

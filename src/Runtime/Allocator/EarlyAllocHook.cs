namespace GfpAnalyzers.Runtime;

/// <summary>
/// The early-allocation hook: called with the head PFN and the mask of every allocation made before pages
/// have a tag reference (before page_ext_init), except allocations with <see cref="Gfp.NoCodetag"/>.
/// It runs inside the allocator, under <c>rcu_read_lock()</c>.
/// </summary>
public delegate void EarlyAllocHook(ulong pfn, Gfp gfp);

using EarlyPfn;
using GfpAnalyzers.Runtime;

// Boots the page-allocator model the way mm_core_init() does, with the v6 tracker recording the early allocations:
//   mem_init()       the allocator works, but page_ext does not exist yet: pages get no codetag
//   page_ext_init()  tag references exist; the tracker clears the early pages' references and retires
// then frees every early page, which must not warn "alloc_tag was not set". The old design held 8192 PFNs.
const int EarlyAllocations = 12_000;

var allocator = new PageAllocator(new AllocatorOptions
{
    TotalPages = 65_536,
    Profiling = new ProfilingOptions { PageExtInitialized = false },
});
var recorder = new EarlyPfnRecorder(allocator);
recorder.Start();

var early = new List<Page>(EarlyAllocations);
for (var i = 0; i < EarlyAllocations; i++)
{
    early.Add(allocator.AllocPage(Gfp.Kernel) ?? throw new InvalidOperationException("out of memory during early boot"));
}

var poolPages = recorder.PoolPages;
allocator.Profiling.InitPageExt();
var recorded = recorder.ClearEarlyTagRefs();

foreach (var page in early)
{
    allocator.FreePage(page);
}

Console.WriteLine($"early allocations: {EarlyAllocations}, PFNs recorded: {recorded} in {poolPages} pool pages of {PfnPoolNode.Capacity}");
Console.WriteLine($"frees that hit \"{AllocProfiling.TagNotSetMessage}\": {allocator.Profiling.TagNotSetCount}; kernel log warnings: {allocator.Log.WarningCount}");
foreach (var message in allocator.Log.Messages)
{
    Console.WriteLine("  log: " + message);
}

var ok = recorded == EarlyAllocations && recorded > 8192 && allocator.Profiling.TagNotSetCount == 0 && allocator.Log.WarningCount == 0;
Console.WriteLine(ok ? "OK: every early PFN tracked, beyond the old 8192 limit, and no page freed untagged" : "FAILED");
return ok ? 0 : 1;

using EarlyPfn;
using GfpAnalyzers.Runtime;

// Boots the page-allocator model through mm_core_init() with the v6 tracker recording the early allocations:
//   mem_init()        the buddy allocator is up, page_ext is not: pages get no codetag; the tracker starts
//   per-CPU set-up    every CPU's percpu chunk, idle task and kthread stacks: early allocations grow with the CPUs
//   page_ext_init()   tag references exist; the tracker clears the early pages' references and retires
// then frees every early page (CPU hot-unplug, boot slabs), which must not warn "alloc_tag was not set".
// The old design held 8192 PFNs and warned when full; 2048 CPUs make 14336 early allocations.
const int Cpus = 2048;
const int KthreadsPerCpu = 5; // cpuhp/N, ksoftirqd/N, migration/N, kworker/N:0, kworker/N:0H
const int ThreadStackOrder = 2; // 16 KiB stacks

var allocator = new PageAllocator(new AllocatorOptions
{
    TotalPages = 1L << 18, // 1 GiB
    Nodes = 2,
    Profiling = new ProfilingOptions { PageExtInitialized = false },
});

var recorder = new EarlyPfnRecorder(allocator);
recorder.Start(); // mem_init()

var early = new List<Page>();
for (var cpu = 0; cpu < Cpus; cpu++)
{
    var node = cpu % allocator.Nodes.Count;
    early.Add(EarlyAlloc(node, Gfp.Kernel | Gfp.Zero, 0, "mm/percpu.c", 1633, "pcpu_alloc_first_chunk"));
    for (var thread = 0; thread <= KthreadsPerCpu; thread++) // the idle task, then the kthreads
    {
        early.Add(EarlyAlloc(node, Gfp.KernelAccount | Gfp.Zero, ThreadStackOrder, "kernel/fork.c", 311, "alloc_thread_stack_node"));
    }
}

var poolPages = recorder.PoolPages;
allocator.Profiling.InitPageExt(); // page_ext_init()
var recorded = recorder.ClearEarlyTagRefs();

foreach (var page in early)
{
    allocator.FreePages(page, page.Order);
}

Console.WriteLine($"{Cpus} CPUs: {early.Count} early allocations, {recorded} PFNs recorded in {poolPages} pool pages of {PfnPoolNode.Capacity}");
Console.WriteLine($"frees that hit \"{AllocProfiling.TagNotSetMessage}\": {allocator.Profiling.TagNotSetCount}; kernel log warnings: {allocator.Log.WarningCount}");
foreach (var message in allocator.Log.Messages)
{
    Console.WriteLine("  log: " + message);
}

var ok = recorded == early.Count && recorded > 8192 && allocator.Profiling.TagNotSetCount == 0 && allocator.Log.WarningCount == 0;
Console.WriteLine(ok ? "OK: every early PFN tracked, beyond the old 8192 limit, and no page freed untagged" : "FAILED");
return ok ? 0 : 1;

Page EarlyAlloc(int node, Gfp gfp, int order, string file, int line, string function)
    => allocator.AllocPagesNode(node, gfp, order, file, line, function)
        ?? throw new InvalidOperationException($"early boot: out of memory at {file}:{line} ({function})");

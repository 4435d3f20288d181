namespace GfpAnalyzers.Runtime;

/// <summary>
/// The allocations each boot stage makes, with Linux's call sites and masks, so that allocinfo reads like a
/// kernel's. Sizes are the x86-64 defaults (16 KiB thread stacks, order-0..3 slabs).
/// </summary>
internal static class BootStages
{
    private const int ThreadStackOrder = 2;

    // Per-CPU kthreads created before page_ext_init, each with a stack: cpuhp/N, ksoftirqd/N, migration/N,
    // kworker/N:0 and kworker/N:0H.
    private const int EarlyKthreadsPerCpu = 5;

    /// <summary>kmem_cache_init(): the boot caches and one slab for each kmalloc size, per node.</summary>
    public static void KmemCacheInit(KernelBoot kernel)
    {
        for (var node = 0; node < kernel.Options.Nodes; node++)
        {
            kernel.EarlyAlloc(node, Gfp.NoWait, 0, "mm/slub.c", 2435, "allocate_slab"); // kmem_cache
            kernel.EarlyAlloc(node, Gfp.NoWait, 0, "mm/slub.c", 2435, "allocate_slab"); // kmem_cache_node
            for (var size = 8; size <= 8192; size *= 2)
            {
                var order = size switch { <= 512 => 0, <= 1024 => 1, <= 2048 => 2, _ => 3 };
                kernel.EarlyAlloc(node, Gfp.NoWait, order, "mm/slub.c", 2435, "allocate_slab");
            }
        }
    }

    /// <summary>setup_per_cpu_areas(), fork_idle() and the per-CPU kthreads of smp_init(), for every CPU.</summary>
    public static void SetupPerCpu(KernelBoot kernel)
    {
        var cpus = kernel.Options.Cpus;
        if (kernel.Options.ParallelBringup)
        {
            Parallel.For(0, cpus, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, cpu => BringUpCpu(kernel, cpu));
        }
        else
        {
            for (var cpu = 0; cpu < cpus; cpu++)
            {
                BringUpCpu(kernel, cpu);
            }
        }
    }

    /// <summary>After page_ext_init: allocations are tagged now, so these are what allocinfo shows.</summary>
    public static void DoInitcalls(KernelBoot kernel)
    {
        var allocator = kernel.Allocator;
        for (var cpu = 0; cpu < kernel.Options.Cpus; cpu++)
        {
            var node = cpu % kernel.Options.Nodes;
            allocator.AllocPagesNode(node, Gfp.KernelAccount | Gfp.Zero, ThreadStackOrder, "kernel/fork.c", 311, "alloc_thread_stack_node"); // kworker/N:1
            allocator.AllocPagesNode(node, Gfp.Kernel | Gfp.Zero, 0, "mm/percpu-vm.c", 95, "pcpu_alloc_pages");
        }

        for (var i = 0; i < 64; i++)
        {
            allocator.AllocPage(Gfp.Kernel | Gfp.HighMem, "mm/vmalloc.c", 3585, "__vmalloc_area_node");
        }

        // Slab caches growing as subsystems initialise: more CPUs, more per-CPU objects.
        for (var i = 0; i < 16 + (kernel.Options.Cpus / 4); i++)
        {
            allocator.AllocPagesNode(i % kernel.Options.Nodes, Gfp.Kernel | Gfp.Comp, 1, "mm/slub.c", 2435, "allocate_slab");
        }

        allocator.PageCache.Fill(4096); // unpacking the initramfs into the page cache
    }

    private static void BringUpCpu(KernelBoot kernel, int cpu)
    {
        var node = cpu % kernel.Options.Nodes;
        kernel.EarlyAlloc(node, Gfp.Kernel | Gfp.Zero, 0, "mm/percpu.c", 1633, "pcpu_alloc_first_chunk");
        kernel.EarlyAlloc(node, Gfp.KernelAccount | Gfp.Zero, ThreadStackOrder, "kernel/fork.c", 311, "alloc_thread_stack_node"); // idle task
        for (var i = 0; i < EarlyKthreadsPerCpu; i++)
        {
            kernel.EarlyAlloc(node, Gfp.KernelAccount | Gfp.Zero, ThreadStackOrder, "kernel/fork.c", 311, "alloc_thread_stack_node");
        }
    }
}

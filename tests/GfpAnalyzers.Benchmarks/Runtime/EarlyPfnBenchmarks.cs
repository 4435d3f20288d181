using BenchmarkDotNet.Attributes;
using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.Benchmarks.Runtime;

/// <summary>
/// alloc_tag_add_early_pfn(): the cost of recording one early PFN with the fixed array and with the pool list,
/// on one thread and on two threads recording into the same tracker. Each invocation fills fresh trackers with
/// <see cref="FixedEarlyPfnTracker.Capacity"/> PFNs each (as many as the array holds), so the pool list's page
/// allocations (one per <see cref="PfnPool.Capacity"/> PFNs) are counted at their real rate: one tracker
/// (64 KiB of PFNs: they stay in the cache) or <see cref="TrackersPerInvocation"/> of them (1 MiB: they do not).
/// The <c>PageMemoryReady</c> cases isolate a cost of the model: a page's bytes are a managed array
/// created on first touch (fresh memory for the GC to hand out), where a kernel's page is RAM that exists before it
/// is allocated; there the pages the pools will get are touched in the (untimed) setup.
/// </summary>
/// <remarks>
/// The warm-up and iteration counts are the command line's (docs/benchmarks.md gives them): an attribute here would
/// override them. Each design records through its own call site (<see cref="RecordThrough{TCallSite}"/>): with one
/// loop shared by both designs, dynamic PGO inlined whichever hook the process ran first behind a type guard
/// (the fixed array's: its cases run first) and the other design paid a failed guard and an indirect call per PFN
/// (0.3–0.5 ns on the array's 2.5 ns). A boot runs one design, so each design gets the call site it would have.
/// </remarks>
[MemoryDiagnoser]
public class EarlyPfnBenchmarks
{
    public const int TrackersPerInvocation = 16;
    private const int PfnsPerTracker = FixedEarlyPfnTracker.Capacity;

    // Pool pages one tracker takes (the last one partly filled, too little to allocate a spare).
    private const ulong PoolPagesPerTracker = (PfnsPerTracker + PfnPool.Capacity - 1) / PfnPool.Capacity;

    private readonly PageAllocator[] _allocators = new PageAllocator[TrackersPerInvocation];
    private readonly EarlyAllocHook[] _hooks = new EarlyAllocHook[TrackersPerInvocation];
    private PartnerThread? _partner;

    [Params(EarlyPfnTrackerDesign.FixedArray, EarlyPfnTrackerDesign.PfnPoolList)]
    public EarlyPfnTrackerDesign Design { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>How long <see cref="GlobalSetup"/> records before anything is timed.</summary>
    public static TimeSpan JitWarmup { get; set; } = TimeSpan.FromSeconds(1);

    [GlobalSetup]
    public void GlobalSetup()
    {
        // The tiered JIT optimises a method after 30 calls, once 100 ms have passed without new unoptimised code. The
        // pool's growth path (the allocator included) runs once per 510 PFNs, so BenchmarkDotNet's warm-up (one
        // invocation per iteration, a few milliseconds in all) would time it unoptimised. Record for a while first,
        // then leave the background compiler time to install the optimised code.
        var warmup = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            CreateTrackers();
            Record(TrackersPerInvocation, 0, PfnsPerTracker);
        }
        while (warmup.Elapsed < JitWarmup);

        Thread.Sleep(JitWarmup / 2);
        _partner = Threads == 2 ? new PartnerThread() : null;
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _partner?.Dispose();

    /// <summary>Fresh allocators and trackers: every invocation starts from an empty tracker, as a boot does.</summary>
    [IterationSetup(Targets = [nameof(OneTracker), nameof(SixteenTrackers)])]
    public void IterationSetup()
    {
        CreateTrackers();
        CollectSetupGarbage();
    }

    /// <summary><see cref="IterationSetup"/>, and the bytes of every page the pools will take exist already.</summary>
    [IterationSetup(Targets = [nameof(OneTrackerPageMemoryReady), nameof(SixteenTrackersPageMemoryReady)])]
    public void IterationSetupPageMemoryReady()
    {
        CreateTrackers();
        foreach (var allocator in _allocators)
        {
            // A fresh allocator hands out its lowest free pages first, and nothing but the tracker allocates here.
            for (var pfn = 0UL; pfn < PoolPagesPerTracker; pfn++)
            {
                allocator.PfnToPage(pfn).Memory[0] = 0;
            }
        }

        CollectSetupGarbage();
    }

    private void CollectSetupGarbage()
    {
        // Leave the setup's garbage behind: a collection inside the timed invocation pays only for what recording allocates.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _partner?.Arm();
    }

    [Benchmark(OperationsPerInvoke = PfnsPerTracker)]
    public void OneTracker() => RecordInto(1);

    [Benchmark(OperationsPerInvoke = TrackersPerInvocation * PfnsPerTracker)]
    public void SixteenTrackers() => RecordInto(TrackersPerInvocation);

    [Benchmark(OperationsPerInvoke = PfnsPerTracker)]
    public void OneTrackerPageMemoryReady() => RecordInto(1);

    [Benchmark(OperationsPerInvoke = TrackersPerInvocation * PfnsPerTracker)]
    public void SixteenTrackersPageMemoryReady() => RecordInto(TrackersPerInvocation);

    private void RecordInto(int trackers)
    {
        if (_partner is null)
        {
            Record(trackers, 0, PfnsPerTracker);
            return;
        }

        // Two threads on the same trackers: each records half of every tracker's PFNs.
        _partner.Run(() => Record(trackers, PfnsPerTracker / 2, PfnsPerTracker));
        Record(trackers, 0, PfnsPerTracker / 2);
        _partner.Wait();
    }

    private void CreateTrackers()
    {
        for (var i = 0; i < TrackersPerInvocation; i++)
        {
            _allocators[i] = new PageAllocator(new AllocatorOptions { TotalPages = 4096, DmaEndPfn = 0, Dma32EndPfn = 0 });
            _hooks[i] = EarlyPfnTracker.Create(Design, _allocators[i]).RecordingHook;
        }
    }

    private void Record(int trackers, int from, int to)
    {
        if (Design == EarlyPfnTrackerDesign.FixedArray)
        {
            RecordThrough<FixedArrayCallSite>(_hooks.AsSpan(0, trackers), from, to);
        }
        else
        {
            RecordThrough<PfnPoolListCallSite>(_hooks.AsSpan(0, trackers), from, to);
        }
    }

    /// <summary>The recording loop; each <typeparamref name="TCallSite"/> is compiled, and profiled, on its own.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RecordThrough<TCallSite>(ReadOnlySpan<EarlyAllocHook> hooks, int from, int to)
        where TCallSite : struct
    {
        foreach (var hook in hooks)
        {
            for (var pfn = from; pfn < to; pfn++)
            {
                hook((ulong)pfn, Gfp.Kernel);
            }
        }
    }

    // Type arguments only: a value type gives the generic loop its own code and its own profile.
    private struct FixedArrayCallSite;

    private struct PfnPoolListCallSite;
}

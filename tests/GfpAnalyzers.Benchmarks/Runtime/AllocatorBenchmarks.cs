using BenchmarkDotNet.Attributes;
using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.Benchmarks.Runtime;

/// <summary>AllocPage + FreePage of one page, with allocation profiling off, on, and on with its debug checks.</summary>
[MemoryDiagnoser]
public class AllocatorBenchmarks
{
    public enum ProfilingMode
    {
        Off,
        On,
        Debug,
    }

    private PageAllocator _allocator = null!;

    [Params(ProfilingMode.Off, ProfilingMode.On, ProfilingMode.Debug)]
    public ProfilingMode Profiling { get; set; }

    [GlobalSetup]
    public void Setup()
        => _allocator = new PageAllocator(new AllocatorOptions
        {
            Profiling = new ProfilingOptions { Enabled = Profiling != ProfilingMode.Off, DebugChecks = Profiling == ProfilingMode.Debug },
        });

    [Benchmark]
    public void AllocPageFreePage()
    {
        var page = _allocator.AllocPage(Gfp.Kernel)!;
        _allocator.FreePage(page);
    }
}

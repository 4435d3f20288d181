using BenchmarkDotNet.Attributes;
using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.Benchmarks.Runtime;

/// <summary>An RCU read-side pair (both spellings) against an uncontended monitor <c>lock</c> and a System.Threading.Lock.</summary>
public class RcuBenchmarks
{
    private readonly Rcu _rcu = new();
    private readonly object _monitor = new();
    private readonly System.Threading.Lock _lock = new();

    [Benchmark(Baseline = true)]
    public void MonitorLock()
    {
        lock (_monitor)
        {
        }
    }

    [Benchmark]
    public void ThreadingLock()
    {
        using (_lock.EnterScope())
        {
        }
    }

    [Benchmark]
    public void RcuReadLockUnlock()
    {
        _rcu.ReadLock();
        _rcu.ReadUnlock();
    }

    [Benchmark]
    public void RcuUsingGuard()
    {
        using (_rcu.ReadLock())
        {
        }
    }
}

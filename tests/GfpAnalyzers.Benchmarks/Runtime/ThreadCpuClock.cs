using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace GfpAnalyzers.Benchmarks.Runtime;

/// <summary>
/// A BenchmarkDotNet clock that reads the calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>) instead of
/// the wall clock. On a shared machine the wall clock counts the time other processes hold the CPU; the thread's own
/// CPU time does not, so single-threaded figures stay comparable whatever the load (`--cpu-clock`). Not for the
/// two-thread cases: it sees only the thread that runs the benchmark method.
/// </summary>
internal sealed class ThreadCpuClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    public string Title => "Thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux() && clock_gettime(ClockThreadCpuTimeId, out _) == 0;

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
        => clock_gettime(ClockThreadCpuTimeId, out var time) == 0
            ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds
            : throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

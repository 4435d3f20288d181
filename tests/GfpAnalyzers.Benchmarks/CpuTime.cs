using System.Runtime.InteropServices;

namespace GfpAnalyzers.Benchmarks;

/// <summary>
/// CPU time from getrusage(2): this process (every thread), or its terminated, waited-for children. On a shared
/// machine wall time counts whatever else runs; CPU time counts only the work measured, so both are printed.
/// </summary>
internal static class CpuTime
{
    private const int RusageSelf = 0;
    private const int RusageChildren = -1;

    public static TimeSpan Self() => Read(RusageSelf);

    public static TimeSpan Children() => Read(RusageChildren);

    private static TimeSpan Read(int who)
    {
        if (!OperatingSystem.IsLinux() || getrusage(who, out var usage) != 0)
        {
            return TimeSpan.Zero;
        }

        var microseconds = (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicroseconds + usage.SystemMicroseconds;
        return TimeSpan.FromMicroseconds(microseconds);
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int getrusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        private readonly long _maxrss, _ixrss, _idrss, _isrss, _minflt, _majflt, _nswap, _inblock, _oublock, _msgsnd, _msgrcv, _nsignals, _nvcsw, _nivcsw;
    }
}

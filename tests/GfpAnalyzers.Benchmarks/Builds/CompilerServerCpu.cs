using System.Runtime.InteropServices;

namespace GfpAnalyzers.Benchmarks.Builds;

/// <summary>
/// The CPU time of the compiler server (VBCSCompiler) processes, from /proc/PID/stat. With the server, a build's compile
/// runs there, warm (JIT done, analyzer assemblies loaded), as in a user's repeated builds; the server's CPU counts the
/// compile and the analyzers alone: not MSBuild's evaluation and scheduling, which spread a build's wall time on this
/// machine by more than the few per cent a target is stated in.
/// </summary>
internal static class CompilerServerCpu
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK on Linux

    /// <summary>Each running server's CPU so far, in clock ticks, by process id (empty where /proc does not exist).</summary>
    public static Dictionary<int, long> Snapshot()
    {
        var ticks = new Dictionary<int, long>();
        if (!OperatingSystem.IsLinux())
        {
            return ticks;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && ServerTicks(directory) is { } used)
            {
                ticks[pid] = used;
            }
        }

        return ticks;
    }

    /// <summary>The servers' CPU since <paramref name="before"/> (a server started since then counts from zero).</summary>
    public static TimeSpan Since(Dictionary<int, long> before)
    {
        long ticks = 0;
        foreach (var (pid, used) in Snapshot())
        {
            ticks += used - before.GetValueOrDefault(pid);
        }

        var perSecond = OperatingSystem.IsLinux() ? sysconf(ClockTicksName) : 0;
        return perSecond > 0 ? TimeSpan.FromSeconds((double)ticks / perSecond) : TimeSpan.Zero;
    }

    // utime and stime are fields 14 and 15 of the stat line; the command name (field 2) is in parentheses and may hold spaces.
    private static long? ServerTicks(string directory)
    {
        try
        {
            if (!File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("VBCSCompiler", StringComparison.Ordinal))
            {
                return null;
            }

            var stat = File.ReadAllText(Path.Combine(directory, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // A process that ended while it was read: it is no server we measure.
            return null;
        }
    }

    [DllImport("libc")]
    private static extern long sysconf(int name);
}

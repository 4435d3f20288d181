using System.Globalization;
using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.BootReport;

/// <summary>The boot report's command line, parsed without side effects so it can be tested.</summary>
public sealed record ReportArguments(int Cpus, long? MemoryMiB, int Nodes, int Top, bool Parallel, bool Help)
{
    public const string Usage = "usage: GfpAnalyzers.BootReport [--cpus N] [--memory MiB] [--nodes N] [--top N] [--sequential] [--help]";

    public const string HelpText = Usage + """


        Boots the model kernel twice, once with each early-PFN tracker design, and prints side by side
        what happened to the page allocations made between mem_init() and page_ext_init():

          early allocations tracked           PFNs the tracker recorded
          pool pages used                     pages the tracker took to store them (the old design uses a static array)
          kernel log reports during boot      what the model's dmesg reported (the old array warns once when it
                                              overflows); repeats beyond the printk ratelimit (10 per 5 s) are
                                              counted, not printed, as in Linux
          "alloc_tag was not set" after boot  frees of early pages whose tag reference was never cleared
          top /proc/allocinfo lines           the call sites with the most live memory after boot

        Options:
          --cpus N       possible CPUs, 1..8192 (default 256); early allocations grow with them
          --memory MiB   memory size, 64..65536 (default: 512 MiB + 256 KiB per CPU, in 256 MiB steps)
          --nodes N      NUMA nodes, 1..64 (default 2)
          --top N        allocinfo lines to show, 0..50 (default 5)
          --sequential   bring CPUs up one after another instead of in parallel
          -h, --help     show this help
        """;

    /// <summary>The defaults: 256 CPUs, derived memory, 2 nodes, top 5, parallel bring-up.</summary>
    public static ReportArguments Default { get; } = new(256, null, 2, 5, true, false);

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a one-line reason.</summary>
    public static ReportArguments Parse(IReadOnlyList<string> args)
    {
        var result = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = Split(args[i]);
            switch (name)
            {
                case "-h" or "--help":
                    result = result with { Help = true };
                    break;
                case "--sequential":
                    result = result with { Parallel = false };
                    break;
                case "--cpus":
                    result = result with { Cpus = (int)Number(name, inline ?? Next(args, ref i, name), 1, BootOptions.MaxCpus) };
                    break;
                case "--memory":
                    result = result with { MemoryMiB = Number(name, inline ?? Next(args, ref i, name), 64, AllocatorOptions.MaxTotalPages / 256) };
                    break;
                case "--nodes":
                    result = result with { Nodes = (int)Number(name, inline ?? Next(args, ref i, name), 1, 64) };
                    break;
                case "--top":
                    result = result with { Top = (int)Number(name, inline ?? Next(args, ref i, name), 0, 50) };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return result;
    }

    /// <summary>The boot options for one tracker design.</summary>
    public BootOptions ToBootOptions(EarlyPfnTrackerDesign design)
        => new() { Cpus = Cpus, MemoryMiB = MemoryMiB, Nodes = Nodes, Tracker = design, ParallelBringup = Parallel };

    private static (string Name, string? Inline) Split(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string name)
        => ++i < args.Count ? args[i] : throw new ArgumentException($"{name} needs a value");

    private static long Number(string name, string text, long min, long max)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} expects a whole number from {min} to {max}, got '{text}'");
}

using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.BootReport;

/// <summary>Prints the two boots side by side.</summary>
public static class ReportPrinter
{
    private const int LabelWidth = 38;
    private const int ColumnWidth = 22;

    public static void Print(TextWriter output, ReportArguments arguments, BootOptions machine, BootSummary fixedArray, BootSummary poolList)
    {
        output.WriteLine($"GfpAnalyzers boot report: {machine.Cpus} CPUs, {machine.EffectiveMemoryMiB} MiB, {machine.Nodes} NUMA node(s), "
            + (machine.ParallelBringup ? "parallel" : "sequential") + " CPU bring-up");
        output.WriteLine("Page allocations between mem_init() and page_ext_init(), by early-PFN tracker design:");
        output.WriteLine();
        Row(output, "", "fixed array (old)", "pfn_pool list (new)");
        Row(output, "early allocations", fixedArray.EarlyAllocations, poolList.EarlyAllocations);
        Row(output, "early allocations tracked", fixedArray.Tracked, poolList.Tracked);
        Row(output, "early allocations not tracked", fixedArray.Dropped, poolList.Dropped);
        Row(output, "pool pages used",
            $"0 (static {FixedEarlyPfnTracker.Capacity * sizeof(ulong) / 1024} KiB)",
            $"{poolList.PoolPagesUsed} ({PfnPool.Capacity} PFNs/page)");
        Row(output, "warnings raised during boot", fixedArray.BootWarnings.Count, poolList.BootWarnings.Count);
        Row(output, "failed allocations during boot", fixedArray.FailedAllocations, poolList.FailedAllocations);
        Row(output, "\"alloc_tag was not set\" after boot", fixedArray.TagNotSetAfterBoot, poolList.TagNotSetAfterBoot);

        Warnings(output, "fixed array", fixedArray);
        Warnings(output, "pfn_pool list", poolList);

        if (arguments.Top > 0)
        {
            var same = fixedArray.TopAllocInfo.SequenceEqual(poolList.TopAllocInfo);
            AllocInfo(output, same ? "both designs" : "fixed array", fixedArray.TopAllocInfo);
            if (!same)
            {
                AllocInfo(output, "pfn_pool list", poolList.TopAllocInfo);
            }
        }
    }

    private static void Row(TextWriter output, string label, object left, object right)
        => output.WriteLine(label.PadRight(LabelWidth) + $"{left}".PadLeft(ColumnWidth) + $"{right}".PadLeft(ColumnWidth));

    private static void Warnings(TextWriter output, string design, BootSummary summary)
    {
        if (summary.BootWarnings.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"Kernel log during boot ({design}):");
        foreach (var line in summary.BootWarnings.SelectMany(m => m.Split('\n')))
        {
            output.WriteLine("  " + line);
        }
    }

    private static void AllocInfo(TextWriter output, string which, IReadOnlyList<string> lines)
    {
        output.WriteLine();
        output.WriteLine($"Top /proc/allocinfo lines after boot ({which}):");
        output.WriteLine("#     <size>  <calls> <tag info>");
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
    }
}

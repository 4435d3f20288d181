using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.BootReport;

/// <summary>Prints the two boots side by side.</summary>
public static class ReportPrinter
{
    private const int LabelWidth = 38;
    private const int ColumnWidth = 22;

    /// <summary>Distinct kernel log lines shown per design; the rest is summarised in one line.</summary>
    public const int MaxLogLinesShown = 8;

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
        Row(output, "kernel log reports during boot", Reports(fixedArray), Reports(poolList));
        Row(output, "  of them suppressed (ratelimit)", fixedArray.SuppressedBootMessageCount, poolList.SuppressedBootMessageCount);
        Row(output, "failed allocations during boot", fixedArray.FailedAllocations, poolList.FailedAllocations);
        Row(output, "\"alloc_tag was not set\" after boot", fixedArray.TagNotSetAfterBoot, poolList.TagNotSetAfterBoot);

        if (fixedArray.FailedAllocations > 0 || poolList.FailedAllocations > 0)
        {
            var sized = machine with { MemoryMiB = null };
            output.WriteLine();
            output.WriteLine($"Memory ran out during boot: {machine.EffectiveMemoryMiB} MiB is small for {machine.Cpus} CPUs "
                + $"(without --memory the model gives them {sized.EffectiveMemoryMiB} MiB).");
        }

        Warnings(output, "fixed array", fixedArray);
        Warnings(output, "pfn_pool list", poolList);

        if (arguments.Top > 0)
        {
            var same = fixedArray.TopAllocInfo.SequenceEqual(poolList.TopAllocInfo);
            AllocInfo(output, same ? "both designs" : "fixed array", fixedArray);
            if (!same)
            {
                AllocInfo(output, "pfn_pool list", poolList);
            }
        }
    }

    /// <summary>Everything the boot reported, printed or suppressed by the ratelimit.</summary>
    private static long Reports(BootSummary summary) => summary.BootWarnings.Count + summary.SuppressedBootMessageCount;

    private static void Row(TextWriter output, string label, object left, object right)
        => output.WriteLine(label.PadRight(LabelWidth) + $"{left}".PadLeft(ColumnWidth) + $"{right}".PadLeft(ColumnWidth));

    /// <summary>
    /// The boot's kernel log, at most <see cref="MaxLogLinesShown"/> distinct lines (a repeated line once, with its
    /// count), then what was left out: lines not shown here and reports the log's ratelimit suppressed.
    /// </summary>
    private static void Warnings(TextWriter output, string design, BootSummary summary)
    {
        if (summary.BootWarnings.Count == 0 && summary.SuppressedBootMessageCount == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"Kernel log during boot ({design}):");
        var distinct = summary.BootWarnings
            .SelectMany(m => m.Split('\n'))
            .GroupBy(line => line, StringComparer.Ordinal)
            .Select(group => (Line: group.Key, Count: group.Count()))
            .ToList();
        foreach (var (line, count) in distinct.Take(MaxLogLinesShown))
        {
            output.WriteLine("  " + line + (count > 1 ? $" (x{count})" : ""));
        }

        if (distinct.Count > MaxLogLinesShown)
        {
            var hidden = distinct.Skip(MaxLogLinesShown).Sum(entry => entry.Count);
            output.WriteLine($"  ... {hidden} more line(s) of {distinct.Count - MaxLogLinesShown} other kind(s), not shown here");
        }

        foreach (var (key, count) in summary.SuppressedBootMessages)
        {
            output.WriteLine($"  {key}: {count} more report(s) suppressed by the kernel's ratelimit "
                + $"(at most {KernelLog.DefaultRateLimitBurst} per {KernelLog.DefaultRateLimitInterval.TotalSeconds:0} s, as printk_ratelimited)");
        }
    }

    private static void AllocInfo(TextWriter output, string which, BootSummary summary)
    {
        output.WriteLine();
        output.WriteLine($"Top /proc/allocinfo lines after boot ({which}):");
        output.WriteLine("#     <size>  <calls> <tag info>");
        foreach (var line in summary.TopAllocInfo)
        {
            output.WriteLine(line);
        }

        if (summary.TopAllocInfo.Count == 0)
        {
            // Only allocations made after page_ext_init carry a codetag; the early ones never show here.
            output.WriteLine(summary.FailedAllocations > 0
                ? "(none: every allocation after page_ext_init failed, the early allocations had used up the memory)"
                : "(none: no tagged allocation was live after boot)");
        }
    }
}

using GfpAnalyzers.BootReport;

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// The main job never floods: whatever in-range arguments it gets, the report fits on one screen and says honestly
/// what it left out. (--cpus 8192 --memory 64 once printed 142,730 lines, one per failed allocation.)
/// </summary>
public class ReportOutputBoundTests
{
    /// <summary>One screen: the table, a note, a few log lines per design and two allocinfo tables of --top lines.</summary>
    private const int ScreenLines = 40;

    [Theory]
    [InlineData("--cpus", "8192", "--memory", "64")]
    [InlineData("--cpus", "1", "--memory", "64")]
    public void Extreme_in_range_arguments_print_one_screen_and_summarise_what_was_suppressed(params string[] args)
    {
        var arguments = ReportArguments.Parse(args);
        var fixedArray = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.FixedArray), arguments.Top);
        var poolList = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.PfnPoolList), arguments.Top);
        var output = new StringWriter();

        ReportPrinter.Print(output, arguments, arguments.ToBootOptions(EarlyPfnTrackerDesign.PfnPoolList), fixedArray, poolList);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.InRange(lines.Length, 10, ScreenLines);
        foreach (var summary in new[] { fixedArray, poolList })
        {
            // Every report the boot made is either in the log or counted as suppressed, and the report says how many.
            Assert.Equal(summary.FailedAllocations > 0, summary.SuppressedBootMessageCount > 0 || summary.BootWarnings.Count > 0);
            foreach (var (key, count) in summary.SuppressedBootMessages)
            {
                Assert.Contains(lines, l => l.Contains($"{key}: {count} more report(s) suppressed", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void An_out_of_memory_boot_shows_a_burst_of_failures_counts_the_rest_and_explains_the_empty_allocinfo()
    {
        var arguments = ReportArguments.Parse(["--cpus", "8192", "--memory", "64"]);
        var fixedArray = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.FixedArray));

        // Thousands of allocations fail; the log keeps one burst of warn_alloc reports and counts the others.
        Assert.True(fixedArray.FailedAllocations > 10_000);
        Assert.InRange(fixedArray.BootWarnings.Count(w => w.Contains("page allocation failure", StringComparison.Ordinal)), 1, 60);
        var printed = fixedArray.BootWarnings.Count(w => w.Contains("page allocation failure", StringComparison.Ordinal));
        var suppressed = fixedArray.SuppressedBootMessages.Single(e => e.Key == PageAllocator.WarnAllocRateLimitKey).Value;
        Assert.True(suppressed > 10_000);
        Assert.True(printed + suppressed <= fixedArray.FailedAllocations); // failures with __GFP_NOWARN report nothing

        // The early allocations used up the memory, so nothing after page_ext_init (the only tagged allocations) succeeded.
        Assert.Empty(fixedArray.TopAllocInfo);
        var output = new StringWriter();
        ReportPrinter.Print(output, arguments, arguments.ToBootOptions(EarlyPfnTrackerDesign.FixedArray), fixedArray, fixedArray);
        Assert.Contains("(none: every allocation after page_ext_init failed", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Memory ran out during boot: 64 MiB is small for 8192 CPUs", output.ToString(), StringComparison.Ordinal);
    }
}

using GfpAnalyzers.BootReport;

namespace GfpAnalyzers.Runtime.Tests;

public class ReportPrinterTests
{
    [Fact]
    public void Prints_both_designs_side_by_side_with_the_overflow_and_allocinfo()
    {
        var arguments = ReportArguments.Parse(["--cpus", "2048"]);
        var fixedArray = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.FixedArray));
        var poolList = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.PfnPoolList));
        var output = new StringWriter();

        ReportPrinter.Print(output, arguments, arguments.ToBootOptions(EarlyPfnTrackerDesign.PfnPoolList), fixedArray, poolList);

        var lines = output.ToString().Split(Environment.NewLine);
        Assert.StartsWith("GfpAnalyzers boot report: 2048 CPUs", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("early allocations tracked", StringComparison.Ordinal) && l.EndsWith($"8192{poolList.Tracked,22}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("\"alloc_tag was not set\" after boot", StringComparison.Ordinal) && l.EndsWith($"{fixedArray.Dropped,22}{0,22}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("EARLY_ALLOC_PFN_MAX", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("kernel/fork.c:311 func:alloc_thread_stack_node", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_arguments_exit_non_zero_with_the_usage_line_and_no_stack_trace()
    {
        var (exit, stdout, stderr) = RunMain("--cpus", "lots");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(ReportArguments.Usage, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_exits_zero()
    {
        var (exit, stdout, _) = RunMain("--help");

        Assert.Equal(0, exit);
        Assert.StartsWith(ReportArguments.Usage, stdout, StringComparison.Ordinal);
    }

    // Console redirection is process-wide: one test at a time.
    private static readonly object ConsoleGate = new();

    private static (int Exit, string Stdout, string Stderr) RunMain(params string[] args)
    {
        var entry = typeof(ReportArguments).Assembly.EntryPoint!;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        lock (ConsoleGate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                var exit = (int)entry.Invoke(null, [args])!;
                return (exit, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}

using GfpAnalyzers.BootReport;

namespace GfpAnalyzers.Runtime.Tests;

public class ReportArgumentsTests
{
    [Fact]
    public void No_arguments_mean_256_cpus_on_2_nodes_in_parallel()
        => Assert.Equal(new ReportArguments(256, null, 2, 5, true, false), ReportArguments.Parse([]));

    [Theory]
    [InlineData(new[] { "--cpus", "2048" }, 2048)]
    [InlineData(new[] { "--cpus=8" }, 8)]
    [InlineData(new[] { "--cpus", "1", "--cpus", "8192" }, 8192)]
    public void Cpus_take_a_value(string[] args, int cpus) => Assert.Equal(cpus, ReportArguments.Parse(args).Cpus);

    [Fact]
    public void All_options_parse()
    {
        var parsed = ReportArguments.Parse(["--memory", "2048", "--nodes=4", "--top", "0", "--sequential", "-h"]);

        Assert.Equal(new ReportArguments(256, 2048, 4, 0, false, true), parsed);
        Assert.Equal(2048, parsed.ToBootOptions(EarlyPfnTrackerDesign.FixedArray).EffectiveMemoryMiB);
    }

    [Theory]
    [InlineData(new[] { "--cpus" }, "--cpus needs a value")]
    [InlineData(new[] { "--cpus", "abc" }, "--cpus expects a whole number from 1 to 8192, got 'abc'")]
    [InlineData(new[] { "--cpus", "0" }, "got '0'")]
    [InlineData(new[] { "--cpus", "-5" }, "got '-5'")]
    [InlineData(new[] { "--cpus", "9000" }, "got '9000'")]
    [InlineData(new[] { "--memory", "32" }, "--memory expects a whole number from 64")]
    [InlineData(new[] { "--frobnicate" }, "unknown argument '--frobnicate'")]
    [InlineData(new[] { "256" }, "unknown argument '256'")]
    public void Bad_arguments_say_what_is_wrong(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ReportArguments.Parse(args));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_explains_every_reported_quantity()
    {
        foreach (var text in new[] { "--cpus N", "early allocations tracked", "pool pages used", "alloc_tag was not set", "allocinfo" })
        {
            Assert.Contains(text, ReportArguments.HelpText, StringComparison.Ordinal);
        }
    }
}

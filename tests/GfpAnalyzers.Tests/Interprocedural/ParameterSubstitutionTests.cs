using GfpAnalyzers.Analyzers.Interprocedural;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// A callee's flow names its parameters ("parameter 'gfp'"); composing it into a call puts in the argument passed for
/// exactly that parameter, never one whose name merely starts or ends the same way.
/// </summary>
public class ParameterSubstitutionTests
{
    [Fact]
    public async Task The_flags_passed_for_a_parameter_reach_the_allocation_not_those_of_a_parameter_with_a_longer_name()
    {
        var compilation = await SummaryHarness.CompileAsync("""
            public class C
            {
                private static readonly PageAllocator A = new();
                private static void Inner(Gfp g, Gfp gg, Gfp xg) => A.AllocPage(gg);
                public static void Outer() => Inner(Gfp.Atomic, Gfp.Kernel, Gfp.NoWait);
            }
            """);

        var summary = SummaryHarness.Summary(compilation, SummaryHarness.Method(compilation, "C", "Outer"));

        var flow = Assert.Single(summary.Flows);
        Assert.Contains("Gfp.Kernel", flow.Value.ToString());
        Assert.DoesNotContain("Gfp.Atomic", flow.Value.ToString());
        Assert.DoesNotContain("Gfp.NoWait", flow.Value.ToString());
    }

    [Theory]
    [InlineData("parameter 'gfp'", "gfp", true)]
    [InlineData("parameter 'gfp'", "gf", false)]
    [InlineData("parameter 'gfp'", "fp", false)]
    [InlineData("parameter 'gfp'", "gfpx", false)]
    [InlineData("parameter 'gfp", "gfp", false)]
    [InlineData("field 'gfp'", "gfp", false)]
    [InlineData("parameter ''", "", true)]
    public void An_origin_names_a_parameter_only_by_its_whole_name(string description, string name, bool names)
        => Assert.Equal(names, CallComposition.NamesParameter(description, name));
}

using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// One finding per mistake: in an allocation hook, flags that GFP001, GFP002 or GFP003 report are not reported again
/// by GFP007 (their fixes add NoCodetag in hooks); GFP007 reports the flags they leave alone, and steps in again when
/// the user turns the rule that would have reported off. Both analyzers run, as in a user's build.
/// </summary>
public class GFP007OneFindingPerMistakeTests
{
    private static string MethodHook(string flags) => TestEnvironment.Usings + $$"""
        class Tracker
        {
            PageAllocator a = new();

            [AllocationHook]
            void Record(ulong pfn, Gfp gfp, bool c) => a.AllocPage({|#0:{{flags}}|});
        }
        """;

    private static string InstalledLambdaHook(string flags) => TestEnvironment.Usings + $$"""
        class Tracker
        {
            PageAllocator a = new();

            public void Start(bool c) => a.SetEarlyAllocHook((pfn, gfp) => a.AllocPage({|#0:{{flags}}|}));
        }
        """;

    [Theory]
    [InlineData("gfp & ~Gfp.DirectReclaim", "GFP003")]                      // v3
    [InlineData("gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)", "GFP003")]      // v5
    [InlineData("gfp", "GFP003")]
    [InlineData("Gfp.Kernel", "GFP001")]
    [InlineData("c ? Gfp.Kernel : Gfp.High", "GFP001")]
    [InlineData("(gfp & Gfp.NoCodetag) | Gfp.Kernel", "GFP001")]
    [InlineData("Gfp.Atomic", "GFP002")]
    [InlineData("Gfp.High", "GFP007")]
    [InlineData("gfp & Gfp.NoWarn", "GFP007")]
    [InlineData("gfp & Gfp.NoCodetag", "GFP007")]
    public async Task One_flags_argument_in_a_hook_gets_exactly_one_finding(string flags, string rule)
    {
        await VerifyAsync(MethodHook(flags), Finding(rule));
        await VerifyAsync(InstalledLambdaHook(flags), Finding(rule));
    }

    [Fact]
    public async Task V6_flags_get_none()
    {
        await VerifyAsync(MethodHook("Gfp.High | Gfp.NoCodetag").Replace("{|#0:", "").Replace("|})", ")"));
    }

    [Theory]
    [InlineData("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.GFP003.severity = none\n")]
    [InlineData("/.globalconfig", "is_global = true\ndotnet_diagnostic.GFP003.severity = none\n")]
    public async Task With_GFP003_turned_off_GFP007_reports_the_missing_NoCodetag_again(string path, string config)
    {
        var test = new AllFlagRulesTest { TestCode = MethodHook("gfp & ~Gfp.DirectReclaim") };
        test.TestState.AnalyzerConfigFiles.Add((path, config));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("GFP007", DiagnosticSeverity.Warning).WithLocation(0).WithArguments(
            "in allocation hook 'Record'",
            "gets NoCodetag only from parameter 'gfp', which need not carry it",
            "may re-enter the hook, which would allocate again without end"));
        await test.RunAsync(CancellationToken.None);
    }

    private static DiagnosticResult Finding(string rule)
        => new DiagnosticResult(rule, rule == "GFP001" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning).WithLocation(0);

    private static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AllFlagRulesTest { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }
}

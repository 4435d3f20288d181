using GfpAnalyzers.Tests.Analyzers;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>
/// The proof against the runtime: every GFP004 test program, positive and negative, run on every input on a
/// post-boot allocator with the profiling debug checks on. What GFP004 flags must warn "alloc_tag was not set" at the
/// flagged free on some input; what it passes must never warn; and no warning may come from a free it did not flag.
/// </summary>
public class GFP004RuntimeAgreementTests
{
    [Theory]
    [MemberData(nameof(GFP004CaseCatalog.Names), MemberType = typeof(GFP004CaseCatalog))]
    public async Task Analyzer_and_runtime_agree(string name)
    {
        var testCase = GFP004CaseCatalog.Named(name);
        var flagged = await GFP004ProgramRunner.AnalyzeAsync(testCase);
        var runs = await GFP004ProgramRunner.RunEveryInputAsync(testCase, flagged);
        Assert.NotEmpty(runs);

        foreach (var run in runs)
        {
            Assert.True(run.LoggedTagNotSet == run.Warnings > 0, $"{name} ({run.Input}): the log and the warning count disagree");
            Assert.True(
                run.Warnings == run.WarningsAtFlaggedFrees,
                flagged.IsEmpty
                    ? $"{name} ({run.Input}): GFP004 passes this program, but the runtime logged \"alloc_tag was not set\""
                    : $"{name} ({run.Input}): the runtime logged \"alloc_tag was not set\" at a free GFP004 did not flag");
        }

        for (var site = 0; site < flagged.Length; site++)
        {
            Assert.True(
                runs.Any(run => run.FlaggedFreesThatWarned.Contains(site)),
                $"{name}: GFP004 flags {flagged[site].Location.GetLineSpan()} ({flagged[site].GetMessage()}), but no input makes the runtime warn there");
        }
    }
}

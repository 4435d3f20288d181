using GfpAnalyzers.Tests.Verifiers;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>
/// The proof against the runtime for the rules that say "this may sleep in atomic context" (GFP001, GFP003, GFP009):
/// every program of <see cref="AtomicProgramCatalog"/> run on every input, each flagged call watched. What the rules flag
/// must make the runtime report (sleeping function called from invalid context, or the RCU self-wait) on some input,
/// and every report must come from a flagged call.
/// </summary>
public class AtomicRuntimeAgreementTests
{
    private static readonly string[] SleepRules = ["GFP001", "GFP003", "GFP009"];

    [Theory]
    [MemberData(nameof(AtomicProgramCatalog.Names), MemberType = typeof(AtomicProgramCatalog))]
    public async Task Analyzers_and_runtime_agree(string name)
    {
        var program = AtomicProgramCatalog.Named(name);
        var diagnostics = await ProgramHarness.AnalyzeAsync(name, program.Source, EditorConfig.None);
        Assert.True(
            diagnostics.Select(d => d.Id).SequenceEqual(program.Flagged),
            $"{name}: expected [{string.Join(", ", program.Flagged)}], the analyzers report:\n{string.Join("\n", diagnostics)}");

        var flagged = diagnostics.Where(d => SleepRules.Contains(d.Id)).ToArray();
        var runs = await ProgramHarness.RunEveryInputAsync(name, program.Source, flagged.Select(d => d.Location.SourceSpan).ToArray());
        Assert.NotEmpty(runs);
        foreach (var run in runs)
        {
            Assert.True(
                run.Reports == run.ReportsInProbes,
                $"{name} ({run.Input}): the runtime reported outside every flagged call:\n{string.Join("\n", run.Log)}");
        }

        for (var site = 0; site < flagged.Length; site++)
        {
            Assert.True(
                runs.Any(run => run.SitesThatReported.Contains(site)),
                $"{name}: {flagged[site].Id} flags {flagged[site].Location.GetLineSpan()} ({flagged[site].GetMessage()}), but no input makes the runtime report there");
        }
    }
}

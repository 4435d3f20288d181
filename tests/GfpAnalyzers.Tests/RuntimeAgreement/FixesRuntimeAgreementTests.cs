using GfpAnalyzers.Tests.Analyzers;
using GfpAnalyzers.Tests.Verifiers;
using Xunit.Abstractions;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>
/// Every code fix the package offers, applied on its own to every program of the runtime-agreement sets
/// (<see cref="AtomicProgramCatalog"/>, under the default configuration and under <c>gfp_analyzers.GFP002.scope = all</c>,
/// and <see cref="GFP004CaseCatalog"/>): the fixed program compiles, has no GFP diagnostic the original did not have
/// (and one fewer of the fixed rule), and on no input makes the runtime report more ("BUG:", "WARNING:",
/// "alloc_tag was not set") than the original did. Prints the counts.
/// </summary>
public class FixesRuntimeAgreementTests(ITestOutputHelper output)
{
    private sealed record Subject(string Name, string Source, EditorConfig Config);

    private static IEnumerable<Subject> Subjects()
    {
        foreach (var program in AtomicProgramCatalog.All)
        {
            yield return new Subject(program.Name, program.Source, EditorConfig.None);
            yield return new Subject(program.Name + " (scope = all)", program.Source, EditorConfig.Gfp002Scope("all"));
        }

        foreach (var testCase in GFP004CaseCatalog.All)
        {
            yield return new Subject(testCase.Name, testCase.PlainSource, EditorConfig.None);
        }
    }

    [Fact]
    public async Task Every_offered_fix_compiles_is_clean_and_adds_no_runtime_report()
    {
        var problems = new List<string>();
        int programs = 0, fixes = 0, fixedPrograms = 0;
        long reportsBefore = 0, reportsAfter = 0, diagnosticsBefore = 0, diagnosticsAfter = 0;
        foreach (var subject in Subjects())
        {
            programs++;
            var offered = await OfferedFixes.ForAsync(subject.Source, subject.Config);
            if (offered.Count == 0)
            {
                continue;
            }

            fixedPrograms++;
            var before = await ProgramHarness.AnalyzeAsync(subject.Name, subject.Source, subject.Config);
            var runsBefore = await ProgramHarness.RunEveryInputAsync(subject.Name, subject.Source, []);
            foreach (var fix in offered)
            {
                fixes++;
                var label = $"{subject.Name}: {fix}";
                var after = await ProgramHarness.AnalyzeAsync(label, fix.FixedSource, subject.Config);
                diagnosticsBefore += before.Length;
                diagnosticsAfter += after.Length;
                foreach (var id in before.Select(d => d.Id).Concat(after.Select(d => d.Id)).Distinct().Order(StringComparer.Ordinal))
                {
                    var allowed = before.Count(d => d.Id == id) - (id == fix.Diagnostic.Id ? 1 : 0);
                    var remaining = after.Count(d => d.Id == id);
                    if (remaining > allowed)
                    {
                        problems.Add($"{label}: {remaining} {id} after the fix, at most {allowed} expected:\n  {string.Join("\n  ", after.Where(d => d.Id == id))}\n{fix.FixedSource}");
                    }
                }

                var runsAfter = await ProgramHarness.RunEveryInputAsync(label, fix.FixedSource, []);
                foreach (var (original, repaired) in runsBefore.Zip(runsAfter))
                {
                    reportsBefore += original.Reports;
                    reportsAfter += repaired.Reports;
                    if (repaired.Reports > original.Reports)
                    {
                        problems.Add($"{label} ({repaired.Input}): {repaired.Reports} runtime reports after the fix, {original.Reports} before:\n  {string.Join("\n  ", repaired.Log)}\n{fix.FixedSource}");
                    }
                }
            }
        }

        output.WriteLine($"programs: {programs} (with an offered fix: {fixedPrograms}); fixes applied: {fixes}");
        output.WriteLine($"GFP diagnostics, summed over the fixes: {diagnosticsBefore} before, {diagnosticsAfter} after");
        output.WriteLine($"runtime reports, summed over every input of every fix: {reportsBefore} before, {reportsAfter} after");
        Assert.True(fixes > 0, "no fix was offered at all");
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }
}

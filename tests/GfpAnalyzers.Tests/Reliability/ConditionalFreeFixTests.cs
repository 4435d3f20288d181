using System.Collections.Immutable;
using GfpAnalyzers.Harness;
using GfpAnalyzers.Tests.CodeFixes;

namespace GfpAnalyzers.Tests.Reliability;

/// <summary>
/// Issue 11: GFP004's fix on <c>a?.FreePage(p)</c> inserted <c>a?.ClearPageTagRef(p)</c>, after which the warning
/// stayed ("on some path") and no fix was offered any more. The fix (single and Fix All) must settle it.
/// </summary>
public class ConditionalFreeFixTests
{
    [Theory]
    [InlineData("a?.FreePage(page);", "if (a != null)")]
    [InlineData("if (page.Order == 0) a?.FreePage(page); else a?.FreePages(page, 0);", "else")]
    public async Task Clearing_before_a_conditional_free_settles_the_warning(string frees, string expected)
    {
        var source = $$"""
            using GfpAnalyzers.Runtime;

            sealed class Pool
            {
                private readonly PageAllocator _allocator = new();

                void Release(PageAllocator? a)
                {
                    var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null)
                        return;
                    {{frees}}
                }
            }
            """;
        var workbench = ReliabilityWorkbench.Instance;
        var document = workbench.CreateDocument(source);
        var run = await workbench.AnalyzeAsync(document, concurrent: false, CancellationToken.None);
        var findings = run.Diagnostics.Where(d => d.Id == "GFP004").ToImmutableArray();
        Assert.NotEmpty(findings);

        var outcomes = await workbench.ApplyEveryFixAsync(document, findings, includeFixAll: true, CancellationToken.None);
        Assert.Contains(outcomes, outcome => outcome.IsFixAll);
        foreach (var outcome in outcomes)
        {
            Assert.Null(outcome.Error);
            var text = (await outcome.Result!.GetTextAsync()).ToString();
            Assert.Contains(expected, text);
            Assert.DoesNotContain("?.ClearPageTagRef", text);
            if (outcome.IsFixAll || findings.Length == 1)
            {
                await GfpDiagnosticsAfterFix.AssertNoneAsync(text);
            }
        }
    }
}

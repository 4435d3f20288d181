using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// The light bulb on a flags argument that both GFP003 and GFP007 would report (v3/v5 in a hook, however the hook is
/// declared): one finding, and each fix once. Collects what every fixer offers for every GFP diagnostic on the span,
/// as the IDE does.
/// </summary>
public class GFP003GFP007FixListTests
{
    [Theory]
    [InlineData("[AllocationHook] void Record(ulong pfn, Gfp gfp) => _allocator.AllocPage({0});")]
    [InlineData("public void Start() => _allocator.SetEarlyAllocHook((pfn, gfp) => _allocator.AllocPage({0}));")]
    public async Task Inherited_flags_in_a_hook_show_each_fix_once(string member)
    {
        var source = TestEnvironment.Usings + "class Tracker\n{\n    PageAllocator _allocator = new();\n    "
            + string.Format(System.Globalization.CultureInfo.InvariantCulture, member, "gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)") + "\n}\n";
        var (document, diagnostics) = await CodeFixRobustnessTests.AnalyzeAsync(source);

        var onTheArgument = Assert.Single(diagnostics);
        Assert.Equal("GFP003", onTheArgument.Id);
        var titles = new List<string>();
        foreach (var fixer in CodeFixRobustnessTests.Fixers.Where(fixer => fixer.FixableDiagnosticIds.Contains(onTheArgument.Id)))
        {
            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, onTheArgument, (action, _) => actions.Add(action), CancellationToken.None));
            titles.AddRange(actions.Select(action => action.Title));
        }

        Assert.Equal(["Use Gfp.High | Gfp.NoCodetag", "Clear the bits the caller may pass"], titles);
    }
}

using System.Collections.Immutable;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// A fix must not trade one diagnostic for another: compiles the fixed sources with every analyzer the package
/// ships and asserts that they compile and that no GFP diagnostic (of any rule) remains.
/// </summary>
internal static class GfpDiagnosticsAfterFix
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestEnvironment.RuntimeReference);
    });

    public static Task AssertNoneAsync(params string[] fixedSources) => AssertNoneAsync(EditorConfig.None, fixedSources);

    /// <summary>The same, with the analyzers reading <paramref name="config"/> as the project's <c>.editorconfig</c>.</summary>
    public static async Task AssertNoneAsync(EditorConfig config, params string[] fixedSources)
    {
        var trees = fixedSources.Select((source, index) => CSharpSyntaxTree.ParseText(
            source, new CSharpParseOptions(LanguageVersion.Latest), path: $"/0/Test{index}.cs")).ToArray();
        var compilation = CSharpCompilation.Create(
            "Fixed",
            trees,
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The fixed code does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));

        var analyzers = AnalyzerCatalog.CreateAll().ToImmutableArray();
        Assert.NotEmpty(analyzers);
        var diagnostics = await compilation.WithAnalyzers(analyzers, config.ToAnalyzerOptions()).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        var remaining = diagnostics.Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal) || d.Id == "AD0001").ToArray();
        Assert.True(remaining.Length == 0, "GFP diagnostics remain after the fix:\n" + string.Join("\n", remaining.Select(d => d.ToString())));
    }
}

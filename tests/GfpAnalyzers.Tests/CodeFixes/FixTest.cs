using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// Runs a fix the way every fix test does: the single fix (by equivalence key) on each diagnostic in turn,
/// Fix All in document, project and solution scope (the testing library checks all of them against the same
/// fixed sources), then <see cref="GfpDiagnosticsAfterFix"/> on the result. Sources are <c>(name, code)</c> pairs
/// so several files can be fixed at once.
/// </summary>
internal static class FixTest<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task VerifyAsync(string source, string fixedSource, string equivalenceKey)
        => VerifyAsync(new[] { source }, new[] { fixedSource }, equivalenceKey);

    public static Task VerifyAsync(string[] sources, string[] fixedSources, string equivalenceKey, params DiagnosticResult[] expected)
        => VerifyAsync(sources, fixedSources, equivalenceKey, editorConfig: null, expected);

    /// <summary>As above, with an <c>.editorconfig</c> for the analyzer run (e.g. <see cref="Gfp002Scope.AllConfig"/>).</summary>
    public static async Task VerifyAsync(string[] sources, string[] fixedSources, string equivalenceKey, string? editorConfig, params DiagnosticResult[] expected)
    {
        // `{|GFP008:...|}` markup: GFP008 has several descriptors (leak, stray unlock, …); the ID and span are what is checked.
        var test = new CSharpCodeFixVerifier<TAnalyzer, TCodeFix>.Test { CodeActionEquivalenceKey = equivalenceKey, MarkupOptions = MarkupOptions.UseFirstDescriptor };
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
        }

        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        }

        for (var i = 0; i < fixedSources.Length; i++)
        {
            test.FixedState.Sources.Add(($"/0/Test{i}.cs", fixedSources[i]));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
        await GfpDiagnosticsAfterFix.AssertNoneAsync(fixedSources);
    }

    /// <summary>The fix is not offered: the code stays as it is (the diagnostic remains).</summary>
    public static async Task VerifyNotOfferedAsync(string source, string equivalenceKey)
    {
        var test = new CSharpCodeFixVerifier<TAnalyzer, TCodeFix>.Test
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = equivalenceKey,
            MarkupOptions = MarkupOptions.UseFirstDescriptor,
        };
        await test.RunAsync(CancellationToken.None);
    }
}

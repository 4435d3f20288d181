using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
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
        => VerifyAsync(sources, fixedSources, equivalenceKey, EditorConfig.None, expected);

    /// <summary>The same, with <paramref name="config"/> as the project's <c>.editorconfig</c> (for the analyzers and the fix).</summary>
    public static async Task VerifyAsync(string[] sources, string[] fixedSources, string equivalenceKey, EditorConfig config, params DiagnosticResult[] expected)
    {
        // `{|GFP008:...|}` markup: GFP008 has two descriptors (leak, stray unlock); the ID and span are what is checked.
        var test = NewTest();
        test.CodeActionEquivalenceKey = equivalenceKey;
        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        }

        for (var i = 0; i < fixedSources.Length; i++)
        {
            test.FixedState.Sources.Add(($"/0/Test{i}.cs", fixedSources[i]));
        }

        config.AddTo(test.TestState);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
        await GfpDiagnosticsAfterFix.AssertNoneAsync(config, fixedSources);
    }

    /// <summary>The fix is not offered: the code stays as it is (the diagnostic remains).</summary>
    public static Task VerifyNotOfferedAsync(string source, string equivalenceKey)
        => VerifyNotOfferedAsync(source, equivalenceKey, EditorConfig.None);

    public static async Task VerifyNotOfferedAsync(string source, string equivalenceKey, EditorConfig config)
    {
        var test = NewTest();
        test.TestCode = source;
        test.FixedCode = source;
        test.CodeActionEquivalenceKey = equivalenceKey;
        config.AddTo(test.TestState);
        await test.RunAsync(CancellationToken.None);
    }

    /// <summary>
    /// A test of this analyzer and fix. Diagnostics reported when the compilation ends (GFP009 through summaries) are
    /// not local to one callback, which the testing library refuses to fix unless told: the fix is applied by
    /// <c>dotnet format</c> and by the IDE with full-solution analysis.
    /// </summary>
    internal static CSharpCodeFixVerifier<TAnalyzer, TCodeFix>.Test NewTest()
    {
        var test = new CSharpCodeFixVerifier<TAnalyzer, TCodeFix>.Test { MarkupOptions = MarkupOptions.UseFirstDescriptor };
        if (new TAnalyzer().SupportedDiagnostics.Any(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)))
        {
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        }

        return test;
    }
}

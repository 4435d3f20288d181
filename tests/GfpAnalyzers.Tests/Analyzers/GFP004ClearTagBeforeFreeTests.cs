using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP004ClearTagBeforeFreeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP004 on every program of <see cref="GFP004CaseCatalog"/>: exactly the marked frees, with their messages.</summary>
public class GFP004ClearTagBeforeFreeTests
{
    [Theory]
    [MemberData(nameof(GFP004CaseCatalog.Names), MemberType = typeof(GFP004CaseCatalog))]
    public async Task Reports_exactly_the_marked_frees(string name)
    {
        var testCase = GFP004CaseCatalog.Named(name);
        await VerifyCS.VerifyAnalyzerAsync(testCase.MarkedSource, Expected(testCase));
    }

    internal static DiagnosticResult[] Expected(GFP004Case testCase)
        => testCase.Expected.Select((expected, index) => VerifyCS.Diagnostic(GFP004ClearTagBeforeFreeAnalyzer.Rule)
                .WithLocation(index)
                .WithArguments(expected.Page, testCase.ResolveLines(expected.Origin), expected.Freer, expected.Path))
            .ToArray();
}

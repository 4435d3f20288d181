using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>Runs every flag rule at once (GFP001–GFP003, GFP005–GFP007), as a user's build does.</summary>
internal sealed class AllFlagRulesTest : CSharpAnalyzerTest<AllocationContextAnalyzer, DefaultVerifier>
{
    public AllFlagRulesTest()
    {
        ReferenceAssemblies = TestEnvironment.Net10;
        TestEnvironment.Configure(TestState);
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
    [
        new AllocationContextAnalyzer(),
        new GFP005NoFailWithoutDirectReclaimAnalyzer(),
        new GFP006RedundantFlagAnalyzer(),
        new GFP007HookAllocationWithoutNoCodetagAnalyzer(),
    ];
}

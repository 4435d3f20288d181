using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// Every rule that judges atomic context at once (GFP001–GFP003 at allocations and through calls, GFP009), as a user's
/// build runs them: a test with it sees each mistake reported once, and by which rule.
/// </summary>
internal sealed class AtomicRulesTest : CSharpAnalyzerTest<AllocationContextAnalyzer, DefaultVerifier>
{
    public AtomicRulesTest()
    {
        ReferenceAssemblies = TestEnvironment.Net10;
        TestEnvironment.Configure(TestState);
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
    [
        new AllocationContextAnalyzer(),
        new FlagsThroughCallsAnalyzer(),
        new GFP009SleepingCallInRcuSectionAnalyzer(),
    ];

    public static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AtomicRulesTest { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }
}

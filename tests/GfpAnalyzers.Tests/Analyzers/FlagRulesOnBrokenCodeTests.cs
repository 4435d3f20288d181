using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Code being typed: where the flags or the call do not bind, the flag rules (GFP001–GFP003, GFP005–GFP007)
/// say nothing, and never throw (an exception would surface as AD0001 and fail the test).
/// </summary>
public class FlagRulesOnBrokenCodeTests
{
    [Theory]
    [InlineData("var f = Gfp.Kernel | Missing.Flag; a.AllocPage(f);")]
    [InlineData("a.AllocPage(Gfp.Kernel | Gfp.);")]
    [InlineData("a.AllocPage(Gfp.Kernel | Gfp.NoSuchFlag);")]
    [InlineData("a.AllocPage(gfp.NoSuchMethod() ? Gfp.Kernel : Gfp.Atomic);")]
    [InlineData("a.AllocPage(Gfp.Atomic | Gfp.NoFail")]
    [InlineData("a.AllocPage(Gfp.NoWait | Gfp.NoWarn | Gfp.);")]
    [InlineData("a.AllocPage();")]
    [InlineData("a.AllocPage(gfp: );")]
    [InlineData("Gfp f; a.AllocPage(f);")]
    [InlineData("a.AllocPage((Gfp)undefined & ~Gfp.DirectReclaim);")]
    public async Task No_diagnostic_and_no_exception_where_code_does_not_bind(string body)
    {
        var source = TestEnvironment.Usings + $$"""
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a, Rcu rcu, Gfp gfp)
                {
                    using (rcu.ReadLock())
                    {
                        {{body}}
                    }
                }
            }
            """;
        var test = new AllFlagRulesTest { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test.RunAsync();
    }

    [Fact]
    public async Task Nothing_is_registered_without_the_runtime()
    {
        const string source = """
            namespace GfpAnalyzers.Runtime { enum Gfp : uint { Kernel = 0x4C0 } }
            class C { GfpAnalyzers.Runtime.Gfp M() => GfpAnalyzers.Runtime.Gfp.Kernel | GfpAnalyzers.Runtime.Gfp.Kernel; }
            """;
        var test = new CSharpAnalyzerTest<GFP006RedundantFlagAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = TestEnvironment.Net10,
        };
        await test.RunAsync();
    }
}

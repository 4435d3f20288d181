using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// A hook installed with <c>SetEarlyAllocHook</c> runs inside the allocator under RCU whether or not it carries
/// [AllocationHook]: the allocation rules treat it as an allocation hook. Line 1 is the usings line.
/// </summary>
public class AtomicContextHookInstallationTests
{
    [Fact]
    public async Task The_v2_hook_installed_without_the_attribute_gets_GFP001()
    {
        var source = TestEnvironment.Usings + """
            class C
            {
                private readonly PageAllocator a = new();

                public void Install() => a.SetEarlyAllocHook(Record);

                private void Record(ulong pfn, Gfp gfp)
                    => a.AllocPage({|#0:gfp.AllowsBlocking() ? Gfp.Kernel : Gfp.Atomic|});

                public void InstallLambda() => a.SetEarlyAllocHook((pfn, gfp) => a.AllocPage({|#1:Gfp.Kernel|}));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.Kernel"),
            VerifyCS.Diagnostic("GFP001").WithLocation(1).WithArguments("in the allocation hook lambda at line 11", "Gfp.Kernel"));
    }
}

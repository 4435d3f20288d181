using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP007HookAllocationWithoutNoCodetagAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP007 on hooks that carry no [AllocationHook]: code installed with SetEarlyAllocHook runs inside the
/// allocator all the same, and a lambda can carry the attribute itself.
/// </summary>
public class GFP007InstalledHooksTests
{
    [Fact]
    public async Task A_method_installed_with_SetEarlyAllocHook_is_a_hook()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                PageAllocator a = new();

                public void Start() => a.SetEarlyAllocHook(Record);

                void Record(ulong pfn, Gfp gfp) => a.AllocPage({|#0:Gfp.High|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in allocation hook 'Record'", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Fact]
    public async Task A_lambda_installed_with_SetEarlyAllocHook_is_a_hook()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                PageAllocator a = new();

                public void Start() => a.SetEarlyAllocHook((pfn, gfp) => a.AllocPage({|#0:Gfp.High|}));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in the allocation hook lambda at line 6", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Fact]
    public async Task A_lambda_marked_AllocationHook_is_a_hook()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                PageAllocator a = new();

                public System.Action<ulong, Gfp> Hook() => [AllocationHook] (ulong pfn, Gfp gfp) => a.AllocPage({|#0:Gfp.High|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP007").WithLocation(0).WithArguments("in the allocation hook lambda at line 6", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Fact]
    public async Task Hook_shaped_code_that_is_never_installed_and_v6_hooks_are_clean()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                PageAllocator a = new();

                public void Start() => a.SetEarlyAllocHook(Record);

                void Record(ulong pfn, Gfp gfp) => a.AllocPage(Gfp.High | Gfp.NoCodetag);

                void NotAHook(ulong pfn, Gfp gfp) => a.AllocPage(Gfp.High);

                [AllocationHook]
                void Marked(ulong pfn, Gfp gfp)
                {
                    System.Action later = () => a.AllocPage(Gfp.High); // created in the hook, runs later: not the hook
                    later();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

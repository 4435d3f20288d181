using GfpAnalyzers.Tests.Verifiers;
using ContextVerify = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using HookVerify = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP007HookAllocationWithoutNoCodetagAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Every page-allocation entry point of the runtime is an allocation to the rules, including
/// <c>AllocPagesNode</c> (alloc_pages_node), whose flags are not its first argument.
/// </summary>
public class AllocationEntryPointsTests
{
    [Fact]
    public async Task AllocPagesNode_with_Kernel_under_RCU_is_GFP001()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    a.AllocPagesNode(1, {|#0:Gfp.Kernel|}, 0);
                    rcu.ReadUnlock();
                }
            }
            """;
        await ContextVerify.VerifyAnalyzerAsync(source,
            ContextVerify.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 6", "Gfp.Kernel"));
    }

    [Fact]
    public async Task AllocPagesNode_with_named_arguments_in_a_hook_without_NoCodetag_is_GFP007()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                PageAllocator a = new();

                [AllocationHook]
                void Record(ulong pfn, Gfp gfp) => a.AllocPagesNode(order: 0, gfp: {|#0:Gfp.High|}, node: 0);
            }
            """;
        await HookVerify.VerifyAnalyzerAsync(source, HookVerify.Diagnostic("GFP007").WithLocation(0).WithArguments("in allocation hook 'Record'", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Fact]
    public async Task AllocPagesNode_with_the_v6_flags_under_RCU_is_clean()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        var page = a.AllocPagesNode(0, Gfp.High | Gfp.NoCodetag, 0);
                        if (page is not null)
                        {
                            a.ClearPageTagRef(page);
                            a.FreePage(page);
                        }
                    }
                }
            }
            """;
        await ContextVerify.VerifyAnalyzerAsync(source);
    }
}

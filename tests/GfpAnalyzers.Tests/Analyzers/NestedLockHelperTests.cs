using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;
using VerifyAllocation = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using VerifyBalance = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// A method that takes its lock and drops it through a release helper of its own (<c>Work() { _lock.Lock(); ...; Release(); }</c>)
/// is balanced: it is not an acquire helper, and its callers are not in a section after calling it. Helpers are read one
/// level deep, so the release inside it is not followed when deciding what it hands its callers.
/// </summary>
public class NestedLockHelperTests
{
    private const string Device = """
        sealed class Device
        {
            readonly KSpinLock _lock = new();
            readonly Rcu _rcu = new();

            void Release() => _lock.Unlock();

            public void Work()
            {
                _lock.Lock();
                Release();
            }

            public void Caller(PageAllocator a)
            {
                Work();
                _rcu.Synchronize();
                a.AllocPage(Gfp.Kernel);
            }
        }
        """;

    [Fact]
    public async Task A_method_that_releases_through_a_helper_of_its_own_leaves_its_callers_outside_any_section()
    {
        await VerifyCS.VerifyAnalyzerAsync(TestEnvironment.Usings + Device);
        await VerifyAllocation.VerifyAnalyzerAsync(TestEnvironment.Usings + Device);
        await VerifyBalance.VerifyAnalyzerAsync(TestEnvironment.Usings + Device);
    }
}

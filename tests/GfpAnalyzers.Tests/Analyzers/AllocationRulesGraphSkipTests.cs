using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using VerifyGfp005 = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP005NoFailWithoutDirectReclaimAnalyzer>;
using VerifyGfp009 = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// The allocation rules build no control-flow graph for a body they can prove, from its operation tree, reports nothing:
/// GFP001–GFP003 where the function cannot be in atomic context (AtomicContextCandidates) or every allocation's constant
/// flags carry no hazard, GFP005 where every constant lacks NoFail or carries DirectReclaim. These are the shapes where
/// that proof must fail: a context that no lock call of the function's own shows. Line 1 is the usings line.
/// </summary>
public class AllocationRulesGraphSkipTests
{
    private const string Header = TestEnvironment.Usings;

    [Fact]
    public async Task A_lock_helper_that_returns_holding_its_lock_opens_a_section_with_no_lock_call_here()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _lock = new();

                void Take() => _lock.Lock();

                void Release() => _lock.Unlock();

                void Refill(PageAllocator a)
                {
                    Take();
                    a.AllocPage({|#0:Gfp.Kernel|});
                    Release();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the spin_lock section of '_lock' entered at line 12", "Gfp.Kernel"));
    }

    [Fact]
    public async Task A_foreach_whose_enumerator_is_a_lock_helper_opens_a_section_with_no_call_in_the_tree()
    {
        const string source = Header + """
            class Pool
            {
                readonly KSpinLock _lock = new();

                [AcquiresLock(nameof(_lock))]
                public Enumerator GetEnumerator()
                {
                    _lock.Lock();
                    return new Enumerator(this);
                }

                [ReleasesLock(nameof(_lock))]
                public void Release() => _lock.Unlock();

                public struct Enumerator : System.IDisposable
                {
                    readonly Pool _pool;
                    int _index;

                    public Enumerator(Pool pool) { _pool = pool; _index = 0; }

                    public int Current => _index;

                    public bool MoveNext() => ++_index < 4;

                    public void Dispose() => _pool.Release();
                }
            }

            class C
            {
                void Fill(Pool pool, PageAllocator a)
                {
                    foreach (var slot in pool)
                    {
                        a.AllocPage({|#0:Gfp.Kernel|});
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the spin_lock section of 'pool._lock' entered at line 35 by the foreach's call to 'Pool.GetEnumerator()'", "Gfp.Kernel"));
    }

    [Fact]
    public async Task A_lambda_handed_to_an_interrupt_runner_is_atomic_in_a_method_that_takes_no_lock()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, KernelLog log)
                {
                    a.AllocPage(Gfp.Kernel);
                    Interrupts.RunHardirq(() => a.AllocPage({|#0:Gfp.Kernel|}), log);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in the lambda at line 7, which 'Interrupts.RunHardirq' invokes in atomic context", "Gfp.Kernel"));
    }

    [Fact]
    public async Task A_method_installed_as_a_hook_without_the_attribute_is_atomic()
    {
        const string source = Header + """
            class Tracker
            {
                PageAllocator a = new();

                public void Start() => a.SetEarlyAllocHook(Record);

                void Record(ulong pfn, Gfp gfp) => a.AllocPage({|#0:Gfp.Kernel | Gfp.NoCodetag|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.Kernel"));
    }

    [Fact]
    public async Task An_accessor_of_a_property_marked_with_a_caller_lock_is_atomic()
    {
        const string source = Header + """
            class C
            {
                readonly PageAllocator _a = new();

                [RunsInAtomicContext]
                Page? Spare => _a.AllocPage({|#0:Gfp.Kernel|});

                [IrqsDisabled]
                Page? Reserve => _a.AllocPage({|#1:Gfp.Kernel|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in method 'Spare' marked [RunsInAtomicContext]", "Gfp.Kernel"),
            VerifyCS.Diagnostic("GFP001").WithLocation(1).WithArguments("in method 'Reserve' marked [IrqsDisabled]", "Gfp.Kernel"));
    }

    [Fact]
    public async Task A_hazard_free_constant_beside_an_inherited_value_in_a_section_still_needs_the_graph()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu, Gfp gfp)
                {
                    a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    using (rcu.ReadLock())
                    {
                        a.AllocPage({|#0:gfp|});
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments(
                "inside the RCU read-side section entered at line 7", "ZoneMask, DirectReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task GFP005_flags_that_are_no_constant_still_need_the_graph()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, bool c)
                {
                    a.AllocPage(Gfp.Kernel);
                    var flags = Gfp.High;
                    if (c)
                    {
                        flags |= Gfp.NoFail;
                    }

                    a.AllocPage({|#0:flags|});
                }
            }
            """;
        await VerifyGfp005.VerifyAnalyzerAsync(source,
            VerifyGfp005.Diagnostic("GFP005").WithLocation(0).WithArguments("Gfp.NoFail, on some paths", ""));
    }

    [Fact]
    public async Task GFP005_NoFail_from_a_constant_member_or_a_converted_integer_still_needs_the_graph()
    {
        // GFP005 skips bodies where no constant can carry NoFail (ConstantSourceBits); these can, without a NoFail literal.
        const string source = Header + """
            class C
            {
                static readonly Gfp Retrying = Gfp.High | Gfp.NoFail;

                void FromMember(PageAllocator a)
                {
                    var flags = Retrying;
                    a.AllocPage({|#0:flags|});
                }

                void FromInteger(PageAllocator a, Gfp gfp)
                {
                    int raw = (int)Gfp.NoFail;
                    var flags = (Gfp)raw;
                    a.AllocPage({|#1:flags|});
                }
            }
            """;
        await VerifyGfp005.VerifyAnalyzerAsync(source,
            VerifyGfp005.Diagnostic("GFP005").WithLocation(0).WithArguments("readonly field 'Retrying'", ""),
            VerifyGfp005.Diagnostic("GFP005").WithLocation(1).WithArguments("Gfp.NoFail", ""));
    }

    [Fact]
    public async Task GFP009_still_judges_calls_in_a_function_a_lock_helper_puts_in_atomic_context()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _lock = new();

                [AcquiresLock(nameof(_lock))]
                void Take() => _lock.Lock();

                [ReleasesLock(nameof(_lock))]
                void Release() => _lock.Unlock();

                void Flush(Rcu rcu)
                {
                    Take();
                    {|#0:rcu.Synchronize()|};
                    Release();
                }
            }
            """;
        await VerifyGfp009.VerifyAnalyzerAsync(source,
            VerifyGfp009.Diagnostic("GFP009").WithLocation(0).WithArguments(
                "Call to 'Rcu.Synchronize()'", "inside the spin_lock section of '_lock' entered at line 14", "it blocks until a grace period ends"));
    }
}

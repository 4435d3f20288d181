using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using VerifyAllocation = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using VerifyBalance = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer, GfpAnalyzers.CodeFixes.GFP008UnbalancedRcuReadLockCodeFix>;
using VerifySleepingCall = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Lock helpers of another project (a core library referenced by a driver): their bodies are not available, their
/// annotations are, and they are the contract (Linux's <c>__acquires</c> / <c>__releases</c>). A call to an annotated
/// acquire helper opens a section in its caller, a call to an annotated release helper closes it — when the lock's kind
/// shows in the library's metadata; otherwise nothing is said. Line 1 is the usings line.
/// </summary>
public class LibraryLockHelperTests
{
    private const string Pools = """
        using GfpAnalyzers.Runtime;

        namespace Pools;

        public class Pool
        {
            public readonly KSpinLock Lock = new();
            public readonly Rcu Grace = new();
            public readonly KMutex Mutex = new();
            private readonly KSpinLock _hidden = new();

            [AcquiresLock(nameof(Lock))]
            public void LockPool() => Lock.Lock();

            [ReleasesLock("this.Lock")]
            public void UnlockPool() => Lock.Unlock();

            [AcquiresLock("pool.Lock")]
            public static void LockOf(Pool pool) => pool.Lock.Lock();

            [ReleasesLock("pool.Lock")]
            public static void UnlockOf(Pool pool) => pool.Lock.Unlock();

            [AcquiresRcuReadLock]
            public void BeginRead() => Grace.ReadLock();

            [ReleasesLock("rcu")]
            public void EndRead() => Grace.ReadUnlock();

            // The lock is private: its kind does not show in metadata.
            [AcquiresLock(nameof(_hidden))]
            public void LockHidden() => _hidden.Lock();

            [ReleasesLock(nameof(_hidden))]
            public void UnlockHidden() => _hidden.Unlock();

            // A sleeping lock: no atomic context.
            [AcquiresLock(nameof(Mutex))]
            public void LockMutex() => Mutex.Lock();

            [ReleasesLock(nameof(Mutex))]
            public void UnlockMutex() => Mutex.Unlock();

            [MightSleep]
            public void Drain() { }

            public KRwLock Table { get; } = new();

            [AcquiresLock(nameof(Table))]
            public void ReadTable() => Table.ReadLock();

            [ReleasesLock(nameof(Table))]
            public void DoneTable() => Table.ReadUnlock();

            [AcquiresLock("runqueue")]
            public static void LockRunqueue() => Scheduler.LockRunqueue();

            [ReleasesLock("runqueue")]
            public static void UnlockRunqueue() => Scheduler.UnlockRunqueue();
        }

        // Only the acquire half is annotated: its release is a method the analyzers know nothing of.
        public class Gate
        {
            public readonly KSpinLock Lock = new();

            [AcquiresLock(nameof(Lock))]
            public void Enter() => Lock.Lock();

            public void Leave() => Lock.Unlock();
        }
        """;

    private static readonly Lazy<Task<MetadataReference>> PoolsLibrary =
        new(() => LibraryReferences.CSharpAsync("Pools", [TestEnvironment.RuntimeReference], Pools));

    private const string Usings = "using GfpAnalyzers.Runtime; using Pools;\n";

    private const string GracePeriod = "it blocks until a grace period ends";

    [Fact]
    public async Task An_allocation_between_a_library_acquire_helper_and_its_release_helper_is_reported()
    {
        var test = new VerifyAllocation.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Fill(Pool pool, PageAllocator a)
                    {
                        pool.LockPool();
                        a.AllocPage({|#0:Gfp.Kernel|});
                        pool.UnlockPool();
                        a.AllocPage(Gfp.Kernel);
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(VerifyAllocation.Diagnostic("GFP001").WithLocation(0)
            .WithArguments("inside the spin_lock section of 'pool.Lock' entered at line 6", "Gfp.Kernel"));
        await RunAsync(test);
    }

    [Fact]
    public async Task A_sleeping_call_between_static_library_helpers_is_reported_for_the_argument_s_lock()
    {
        // The helpers name the lock through their parameter: the section is the argument's ("mine.Lock").
        var test = new VerifySleepingCall.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Flush(Pool mine, Pool other, Rcu rcu)
                    {
                        Pool.LockOf(mine);
                        {|#0:rcu.Synchronize()|};
                        Pool.UnlockOf(mine);
                        rcu.Synchronize();
                        Pool.LockOf(other);
                        Pool.UnlockOf(other);
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(SleepingCall(0, "Call to 'Rcu.Synchronize()'", "inside the spin_lock section of 'mine.Lock' entered at line 6", GracePeriod));
        await RunAsync(test);
    }

    [Fact]
    public async Task A_library_AcquiresRcuReadLock_helper_opens_an_RCU_section()
    {
        var test = new VerifyAllocation.Test
        {
            TestCode = Usings + """
                class Reader
                {
                    void Read(Pool pool, PageAllocator a)
                    {
                        pool.BeginRead();
                        a.AllocPage({|#0:Gfp.Kernel|});
                        pool.EndRead();
                        a.AllocPage(Gfp.Kernel);
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(VerifyAllocation.Diagnostic("GFP001").WithLocation(0)
            .WithArguments("inside the RCU read-side section entered at line 6", "Gfp.Kernel"));
        await RunAsync(test);
    }

    [Fact]
    public async Task A_library_lock_property_and_the_runqueue_lock_name_their_kind()
    {
        // Waking kswapd is fine under an rwlock, not under a scheduler lock (GFP002's default scope).
        var test = new VerifyAllocation.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Fill(Pool pool, PageAllocator a)
                    {
                        pool.ReadTable();
                        a.AllocPage({|#0:Gfp.Kernel|});
                        a.AllocPage(Gfp.Atomic);
                        pool.DoneTable();
                        Pool.LockRunqueue();
                        a.AllocPage({|#1:Gfp.Atomic|});
                        Pool.UnlockRunqueue();
                        a.AllocPage(Gfp.Atomic);
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(VerifyAllocation.Diagnostic("GFP001").WithLocation(0)
            .WithArguments("inside the rwlock section of 'pool.Table' entered at line 6", "Gfp.Kernel"));
        test.ExpectedDiagnostics.Add(VerifyAllocation.Diagnostic("GFP002").WithLocation(1)
            .WithArguments("with the runqueue lock held since line 10", "Gfp.Atomic"));
        await RunAsync(test);
    }

    [Fact]
    public async Task A_type_that_names_only_the_library_is_analysed()
    {
        // Nothing of the runtime is named here: the relevance gate must open on the library's names.
        var test = new VerifySleepingCall.Test
        {
            TestCode = """
                using Pools;

                class Poller
                {
                    void Poll(Pool pool)
                    {
                        pool.BeginRead();
                        {|#0:pool.Drain()|};
                        pool.EndRead();
                        pool.Drain();
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(SleepingCall(0, "Call to 'Drain'", "inside the RCU read-side section entered at line 7", "'Drain' is marked [MightSleep]"));
        await RunAsync(test);
    }

    [Fact]
    public async Task A_library_acquired_lock_left_held_on_one_path_is_reported_there()
    {
        var test = new VerifyBalance.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    int _count;

                    void Balanced(Pool pool)
                    {
                        pool.LockPool();
                        _count++;
                        pool.UnlockPool();
                    }

                    void ThroughTheArgument(Pool pool)
                    {
                        Pool.LockOf(pool);
                        pool.UnlockPool();
                    }

                    void Forgets(Pool pool, bool full)
                    {
                        pool.LockPool();
                        if (full)
                        {
                            {|#0:return;|}
                        }

                        pool.UnlockPool();
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(VerifyBalance.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
            .WithArguments("'pool.Lock'", "is still held", "spin_lock", "line 21", "Forgets", "returns at line 24"));
        await RunAsync(test);
    }

    [Fact]
    public async Task No_release_is_inserted_for_a_library_acquired_lock_whose_primitive_does_not_show()
    {
        // pool.Lock.Unlock() would be wrong after a LockIrqSave in the library: the fix declines.
        var source = Usings + """
            class Driver
            {
                void Forgets(Pool pool, bool full)
                {
                    pool.LockPool();
                    if (full)
                        {|GFP008:return;|}
                    pool.UnlockPool();
                }
            }
            """;
        var test = Fix.NewTest();
        test.TestCode = source;
        test.FixedCode = source;
        test.CodeActionEquivalenceKey = GfpAnalyzers.CodeFixes.GFP008UnbalancedRcuReadLockCodeFix.EquivalenceKey;
        test.TestState.AdditionalReferences.Add(await PoolsLibrary.Value);
        test.FixedState.AdditionalReferences.Add(await PoolsLibrary.Value);
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_library_acquired_lock_may_be_released_with_any_primitive_of_its_kind()
    {
        // Which spin_lock variant the library takes does not show: no release of the same lock is called the wrong one.
        var test = new VerifyBalance.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Irq(Pool pool)
                    {
                        pool.LockPool();
                        pool.Lock.UnlockIrq();
                    }

                    void Plain(Pool pool)
                    {
                        pool.LockPool();
                        pool.Lock.Unlock();
                    }
                }
                """,
        };
        await RunAsync(test);
    }

    [Fact]
    public async Task Library_helpers_whose_lock_kind_does_not_show_open_no_section()
    {
        // A private lock (not in metadata) and a sleeping lock: no atomic context, no balance to judge.
        var allocation = new VerifyAllocation.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Fill(Pool pool, PageAllocator a)
                    {
                        pool.LockHidden();
                        a.AllocPage(Gfp.Kernel);
                        pool.UnlockHidden();
                        pool.LockMutex();
                        a.AllocPage(Gfp.Kernel);
                        pool.UnlockMutex();
                    }
                }
                """,
        };
        await RunAsync(allocation);

        var balance = new VerifyBalance.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Take(Pool pool)
                    {
                        pool.LockHidden();
                        pool.LockMutex();
                    }
                }
                """,
        };
        await RunAsync(balance);
    }

    [Fact]
    public async Task An_acquire_helper_whose_type_annotates_no_release_of_its_lock_opens_no_section()
    {
        // Leave() releases the lock, but says nothing: trusting Enter() would report the allocation after Leave() and a
        // leak at the exit of correct code. The helper is not trusted; nothing is said.
        var allocation = new VerifyAllocation.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Fill(Gate gate, PageAllocator a)
                    {
                        gate.Enter();
                        a.AllocPage(Gfp.Atomic);
                        gate.Leave();
                        a.AllocPage(Gfp.Kernel);
                    }
                }
                """,
        };
        await RunAsync(allocation);

        var balance = new VerifyBalance.Test
        {
            TestCode = Usings + """
                class Driver
                {
                    void Take(Gate gate)
                    {
                        gate.Enter();
                        gate.Leave();
                    }
                }
                """,
        };
        await RunAsync(balance);
    }

    private static DiagnosticResult SleepingCall(int location, string opening, string context, string why)
        => VerifySleepingCall.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location).WithArguments(opening, context, why);

    private static async Task RunAsync<TAnalyzer>(CSharpAnalyzerVerifier<TAnalyzer>.Test test)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        test.TestState.AdditionalReferences.Add(await PoolsLibrary.Value);
        await test.RunAsync(CancellationToken.None);
    }
}

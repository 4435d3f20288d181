using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;
using VerifyAllocation = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP009 (and GFP001) where the only lock helper calls are the ones the compiler adds: a foreach over an iterator of
/// our own that takes its lock in <c>GetEnumerator()</c> and drops it in its enumerator's <c>Dispose()</c> (the kernel's
/// <c>for_each_locked_*</c>), a using on a guard of our own whose <c>Dispose()</c> releases. The loop body is in the
/// section; the code after the loop or the using is not. Line 1 is the usings line.
/// </summary>
public class GFP009HiddenLockHelperCallTests
{
    /// <summary>
    /// A pool iterated under its lock: <c>GetEnumerator()</c> takes it (<paramref name="acquire"/>: its attribute and
    /// body), the enumerator's <c>Dispose()</c> releases it. Lines 2-19; the caller's code starts at line 20.
    /// </summary>
    private static string Code(string caller, string acquire = "public Enumerator GetEnumerator() { _lock.Lock(); return new Enumerator(this); }") => TestEnvironment.Usings + """
        sealed class Pool
        {
            readonly KSpinLock _lock = new();
            readonly int[] _items = new int[4];

            // for_each_locked: the iteration holds the pool's lock from GetEnumerator to Dispose.
        """ + "\n    " + acquire + "\n" + """

            public struct Enumerator : System.IDisposable
            {
                readonly Pool _pool;
                int _index;
                public Enumerator(Pool pool) { _pool = pool; _index = -1; }
                public int Current => _pool._items[_index];
                public bool MoveNext() => ++_index < _pool._items.Length;
                public void Dispose() => _pool._lock.Unlock();
            }
        }

        """ + caller;

    private const string GracePeriod = "it blocks until a grace period ends";

    private static DiagnosticResult Sleeps(int location, string context)
        => VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location)
            .WithArguments("Call to 'Rcu.Synchronize()'", context, GracePeriod);

    [Fact]
    public async Task A_sleeping_call_in_a_loop_over_a_locked_iterator_is_reported_and_names_the_hidden_call()
    {
        var source = Code("""
            class Drainer
            {
                readonly Rcu _rcu = new();

                void Drain(Pool pool)
                {
                    foreach (var item in pool)
                    {
                        {|#0:_rcu.Synchronize()|};
                    }
                    _rcu.Synchronize();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "inside the spin_lock section of 'pool._lock' entered at line 26 by the foreach's call to 'Pool.GetEnumerator()'"));
    }

    [Fact]
    public async Task A_class_enumerator_ends_the_section_at_the_end_of_the_loop_too()
    {
        // A class enumerator is null-tested before its Dispose; after MoveNext it cannot be null, so Dispose always runs.
        var source = Code("""
            class Drainer
            {
                readonly Rcu _rcu = new();

                void Drain(Pool pool)
                {
                    foreach (var item in pool)
                    {
                        {|#0:_rcu.Synchronize()|};
                    }
                    _rcu.Synchronize();
                }
            }
            """).Replace("public struct Enumerator", "public sealed class Enumerator");
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "inside the spin_lock section of 'pool._lock' entered at line 26 by the foreach's call to 'Pool.GetEnumerator()'"));
    }

    [Fact]
    public async Task An_annotated_acquire_in_GetEnumerator_opens_the_section_too()
    {
        var source = Code(
            """
            class Drainer
            {
                readonly Rcu _rcu = new();

                void Drain(Pool pool)
                {
                    foreach (var item in pool)
                        {|#0:_rcu.Synchronize()|};
                }
            }
            """,
            "[AcquiresLock(nameof(_lock))] public Enumerator GetEnumerator() { _lock.Lock(); return new Enumerator(this); }");
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "inside the spin_lock section of 'pool._lock' entered at line 26 by the foreach's call to 'Pool.GetEnumerator()'"));
    }

    [Fact]
    public async Task A_sleeping_allocation_in_the_loop_is_reported_and_the_one_after_it_is_not()
    {
        var source = Code("""
            class Refiller
            {
                readonly PageAllocator _a = new();

                void Refill(Pool pool)
                {
                    foreach (var item in pool)
                    {
                        _a.AllocPage({|#0:Gfp.Kernel|});
                    }
                    _a.AllocPage(Gfp.Kernel);
                }
            }
            """);
        await VerifyAllocation.VerifyAnalyzerAsync(source,
            VerifyAllocation.Diagnostic(GFP001SleepingAllocationInAtomicContext.Rule).WithLocation(0)
                .WithArguments("inside the spin_lock section of 'pool._lock' entered at line 26 by the foreach's call to 'Pool.GetEnumerator()'", "Gfp.Kernel"));
    }

    [Fact]
    public async Task An_iterator_that_takes_no_lock_leaves_the_loop_quiet()
    {
        var source = Code(
            """
            class Drainer
            {
                readonly Rcu _rcu = new();

                void Drain(Pool pool)
                {
                    foreach (var item in pool)
                    {
                        _rcu.Synchronize();
                    }
                }
            }
            """,
            "public Enumerator GetEnumerator() => new Enumerator(this);");

        // Its Dispose still releases a lock nobody took here: that is the iterator's business (GFP008), not a section.
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_loop_body_that_does_not_sleep_is_quiet_and_the_code_after_the_loop_is_out_of_the_section()
    {
        var source = Code("""
            class Drainer
            {
                readonly Rcu _rcu = new();
                int _sum;

                void Drain(Pool pool)
                {
                    foreach (var item in pool)
                    {
                        _sum += item;
                    }
                    _rcu.Synchronize();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_guard_of_our_own_released_by_a_using_ends_the_section_at_the_end_of_the_using()
    {
        var source = TestEnvironment.Usings + """
            sealed class Device
            {
                internal readonly KSpinLock Lock = new();
                readonly Rcu _rcu = new();

                sealed class Unlocker : System.IDisposable
                {
                    readonly Device _device;
                    public Unlocker(Device device) => _device = device;
                    public void Dispose() => _device.Lock.Unlock();
                }

                void Flush()
                {
                    Lock.Lock();
                    using (new Unlocker(this))
                    {
                        {|#0:_rcu.Synchronize()|};
                    }
                    _rcu.Synchronize();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Sleeps(0, "inside the spin_lock section of 'Lock' entered at line 16"));
    }

    [Fact]
    public async Task A_named_guard_releases_the_lock_it_was_given_whatever_its_fields_call_it()
    {
        // The guard's Dispose releases "_device.Lock" in its own terms; here that lock is "Lock", taken just before.
        var source = TestEnvironment.Usings + """
            sealed class Device
            {
                internal readonly KSpinLock Lock = new();
                readonly Rcu _rcu = new();

                sealed class Unlocker : System.IDisposable
                {
                    readonly Device _device;
                    public Unlocker(Device device) => _device = device;
                    public void Dispose() => _device.Lock.Unlock();
                }

                void Flush()
                {
                    {
                        Lock.Lock();
                        using var unlocker = new Unlocker(this);
                        {|#0:_rcu.Synchronize()|};
                    }
                    _rcu.Synchronize();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Sleeps(0, "inside the spin_lock section of 'Lock' entered at line 17"));
    }

    [Fact]
    public async Task A_struct_guard_with_an_explicit_Dispose_ends_the_section_at_the_end_of_the_using()
    {
        var source = TestEnvironment.Usings + """
            sealed class Device
            {
                internal readonly KSpinLock Lock = new();
                readonly Rcu _rcu = new();

                struct Unlocker : System.IDisposable
                {
                    readonly Device _device;
                    public Unlocker(Device device) => _device = device;
                    void System.IDisposable.Dispose() => _device.Lock.Unlock();
                }

                void Flush(bool wait)
                {
                    if (wait)
                    {
                        Lock.Lock();
                        using (new Unlocker(this))
                            {|#0:_rcu.Synchronize()|};
                    }
                    _rcu.Synchronize();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Sleeps(0, "inside the spin_lock section of 'Lock' entered at line 18"));
    }
}

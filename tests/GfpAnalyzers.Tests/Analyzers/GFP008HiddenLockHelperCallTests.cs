using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008 where lock helpers are called only by the compiler: a foreach's <c>GetEnumerator()</c> that takes a lock, an
/// enumerator's or a using resource's <c>Dispose()</c> (reached through <c>IDisposable</c>) that releases one. They take
/// and release locks like the same calls written out. Line 1 is the usings line.
/// </summary>
public class GFP008HiddenLockHelperCallTests
{
    /// <summary>
    /// A pool iterated under its lock: an annotated <c>GetEnumerator()</c> takes it; the enumerator's <c>Dispose()</c> is
    /// <paramref name="dispose"/>. Lines 2-19; the caller's code starts at line 20.
    /// </summary>
    private static string Iterator(string dispose, string caller) => TestEnvironment.Usings + """
        sealed class Pool
        {
            readonly KSpinLock _lock = new();
            readonly int[] _items = new int[4];

            [AcquiresLock(nameof(_lock))]
            public Enumerator GetEnumerator() { _lock.Lock(); return new Enumerator(this); }

            public sealed class Enumerator : System.IDisposable
            {
                readonly Pool _pool;
                int _index = -1;
                public Enumerator(Pool pool) => _pool = pool;
                public int Current => _pool._items[_index];
                public bool MoveNext() => ++_index < _pool._items.Length;
        """ + "\n        " + dispose + "\n" + """
            }
        }

        """ + caller;

    /// <summary>A device whose guard releases its lock in <c>Dispose()</c>; the caller's code starts at line 14.</summary>
    private static string Guard(string caller) => TestEnvironment.Usings + """
        sealed class Device
        {
            internal readonly KSpinLock Lock = new();

            internal sealed class Unlocker : System.IDisposable
            {
                readonly Device _device;
                public Unlocker(Device device) => _device = device;
                public void Dispose() => _device.Lock.Unlock();
            }
        }

        """ + caller;

    private const string Drainer = """
        class Drainer
        {
            int Sum(Pool pool)
            {
                var sum = 0;
                foreach (var item in pool)
                {
                    sum += item;
                }
                {|#0:return sum;|}
            }
        }
        """;

    [Fact]
    public async Task A_loop_whose_iterator_takes_the_lock_and_never_drops_it_leaks_it_and_says_which_call_took_it()
    {
        var source = Iterator("public void Dispose() => _index = -1;", Drainer);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'pool._lock'", "is still held", "spin_lock", "line 25 by the foreach's call to 'Pool.GetEnumerator()'", "Sum", "returns at line 29"));
    }

    [Fact]
    public async Task A_loop_whose_enumerator_drops_the_lock_in_Dispose_is_balanced()
    {
        var source = Iterator("public void Dispose() => _pool._lock.Unlock();", Drainer.Replace("{|#0:return sum;|}", "return sum;"));
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_lock_released_by_a_guard_of_our_own_at_the_end_of_a_using_is_balanced()
    {
        var source = Guard("""
            class User
            {
                int _updates;

                void Update(Device device)
                {
                    device.Lock.Lock();
                    using (new Device.Unlocker(device))
                    {
                        _updates++;
                    }
                    _updates++;
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_guard_of_our_own_that_releases_with_the_wrong_primitive_is_named_by_its_Dispose()
    {
        var source = Guard("""
            class User
            {
                void Update(Device device)
                {
                    var flags = device.Lock.LockIrqSave();
                    using ({|#0:new Device.Unlocker(device)|})
                    {
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.WrongRelease).WithLocation(0)
                .WithArguments("Unlocker.Dispose()", "spin_lock_irqsave", 17, "device.Lock.UnlockIrqRestore(flags)"));
    }
}

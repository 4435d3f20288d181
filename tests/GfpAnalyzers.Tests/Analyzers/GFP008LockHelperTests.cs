using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;
using VerifyAllocation = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008 and lock helpers (__acquires / __releases): a method whose unlock happens on every path (or that is marked
/// [ReleasesLock]) releases its caller's lock, and one that returns holding its lock on every path (or is marked
/// [AcquiresLock]) takes it for its caller; a stray unlock on one error path of a lock-free method is reported and
/// credits no caller. Line 1 is the usings line.
/// </summary>
public class GFP008LockHelperTests
{
    private static string Code(string body) => TestEnvironment.Usings + """
        class C
        {
            readonly KSpinLock _lock = new();
            readonly PageAllocator _a = new();
            int _count;

        """ + body + "\n}\n";

    private static DiagnosticResult NotHeld(int location, string call)
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseWithoutLock).WithLocation(location).WithArguments(call, "'_lock'", "is not held", "");

    private static DiagnosticResult Leak(int location, int line, string method, string how)
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(location)
            .WithArguments("'_lock'", "is still held", "spin_lock", $"line {line}", method, how);

    [Fact]
    public async Task A_stray_unlock_on_one_error_path_is_reported_and_credits_no_caller()
    {
        var source = Code("""
                int Process(int item)
                {
                    if (item < 0)
                    {
                        {|#0:_lock.Unlock()|};
                        return -22;
                    }
                    _count += item;
                    return 0;
                }

                void Caller(int item)
                {
                    _lock.Lock();
                    Process(item);
                    _lock.Unlock();
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, NotHeld(0, "_lock.Unlock()"));
    }

    [Fact]
    public async Task A_helper_that_releases_on_every_path_releases_its_callers_lock()
    {
        var source = Code("""
                void Release() { _count++; _lock.Unlock(); }

                void Balanced()
                {
                    _lock.Lock();
                    _count++;
                    Release();
                }

                void Twice()
                {
                    _lock.Lock();
                    Release();
                    {|#0:Release()|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, NotHeld(0, "Release()"));
    }

    [Fact]
    public async Task Code_after_a_release_helper_is_out_of_the_section()
    {
        var source = Code("""
                void Release() => _lock.Unlock();

                void Refill()
                {
                    _lock.Lock();
                    _a.AllocPage({|#0:Gfp.Kernel|});
                    Release();
                    _a.AllocPage(Gfp.Kernel);
                }
            """);
        await VerifyAllocation.VerifyAnalyzerAsync(source,
            VerifyAllocation.Diagnostic(GFP001SleepingAllocationInAtomicContext.Rule).WithLocation(0)
                .WithArguments("inside the spin_lock section of '_lock' entered at line 11", "Gfp.Kernel"));
    }

    [Fact]
    public async Task A_release_helper_of_the_wrong_primitive_is_named_at_the_call()
    {
        var source = Code("""
                void Release() => _lock.Unlock();

                void Caller()
                {
                    var flags = _lock.LockIrqSave();
                    {|#0:Release()|};
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.WrongRelease).WithLocation(0)
                .WithArguments("Release()", "spin_lock_irqsave", 11, "_lock.UnlockIrqRestore(flags)"));
    }

    [Fact]
    public async Task Annotated_acquire_helpers_open_a_section_their_callers_must_close()
    {
        var source = Code("""
                [AcquiresLock(nameof(_lock))]
                void Take() { _lock.Lock(); }

                [ReleasesLock(nameof(_lock))]
                void Drop() { _lock.Unlock(); }

                void Paired() { Take(); _count++; Drop(); }

                void Forgets()
                {
                    Take();
                    _count++;
                {|#0:}|}
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_lock", "line 17", "Forgets", "reaches its end"));
    }

    [Fact]
    public async Task An_unannotated_acquire_helper_is_reported_in_itself_once_and_its_callers_pair_with_it()
    {
        var source = Code("""
                void Take() { _lock.Lock(); {|#0:}|}

                void Paired() { Take(); _count++; _lock.Unlock(); }

                void Forgets() { Take(); }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, 7, "Take", "reaches its end"));
    }

    [Fact]
    public async Task Locks_reached_through_a_parameter_or_a_receiver_are_mapped_to_the_callers_terms()
    {
        var source = TestEnvironment.Usings + """
            class Dev
            {
                public readonly KSpinLock Lock = new();
                public void Release() => Lock.Unlock();
                public static void Unlock(Dev d) => d.Lock.Unlock();
            }

            class C
            {
                void Balanced(Dev dev, Dev other)
                {
                    dev.Lock.Lock();
                    Dev.Unlock(dev);
                    other.Lock.Lock();
                    other.Release();
                }

                void WrongDevice(Dev dev, Dev other)
                {
                    dev.Lock.Lock();
                    // Releases another device's lock (this method is, in turn, a release helper for it).
                    Dev.Unlock(other);
                {|#1:}|}
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(1)
                .WithArguments("'dev.Lock'", "is still held", "spin_lock", "line 21", "WrongDevice", "reaches its end"));
    }

    [Fact]
    public async Task A_release_the_caller_decides_with_a_bool_or_a_null_receiver_is_not_judged()
    {
        var source = Code("""
                void Put(bool locked)
                {
                    _count--;
                    if (locked)
                        _lock.Unlock();
                }

                KSpinLock? _maybe;
                void Leave() => _maybe?.Unlock();
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

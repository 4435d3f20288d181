using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008 on guard types of the user's own: a constructor that takes a lock its type's <c>Dispose()</c> releases
/// returns holding it on purpose (the lock is the guard's user's); one whose type never releases it leaks.
/// Line 1 is the usings line.
/// </summary>
public class GFP008GuardConstructorTests
{
    [Theory]
    [InlineData("public void Dispose() => _l.Unlock();")]
    [InlineData("public void Dispose() { if (_disposed) return; _disposed = true; _l.Unlock(); }")]
    [InlineData("public void Dispose() => Release();\n    [ReleasesLock(nameof(_l))] void Release() => _l.Unlock();")]
    public async Task A_constructor_whose_Dispose_releases_its_lock_is_a_guard(string dispose)
    {
        var source = TestEnvironment.Usings + """
            sealed class Locked : System.IDisposable
            {
                readonly KSpinLock _l;
                bool _disposed;
                public Locked(KSpinLock l) { _l = l; _l.Lock(); }
            """ + "\n    " + dispose + "\n}\n";
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task An_rcu_read_side_guard_of_our_own_is_quiet()
    {
        var source = TestEnvironment.Usings + """
            sealed class ReadSection : System.IDisposable
            {
                readonly Rcu _rcu;
                public ReadSection(Rcu rcu) { _rcu = rcu; _rcu.ReadLock(); }
                public void Dispose() => _rcu.ReadUnlock();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_constructor_that_takes_a_lock_its_Dispose_does_not_release_leaks()
    {
        var source = TestEnvironment.Usings + """
            sealed class Locked : System.IDisposable
            {
                readonly KSpinLock _l;
                readonly KSpinLock _other = new();
                public Locked(KSpinLock l) { _l = l; _l.Lock(); {|#0:}|}
                public void Dispose() => _other.Unlock();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_l'", "is still held", "spin_lock", "line 6", "Locked", "reaches its end"));
    }

    [Fact]
    public async Task A_constructor_of_a_type_without_Dispose_leaks()
    {
        var source = TestEnvironment.Usings + """
            sealed class Locked
            {
                readonly KSpinLock _l;
                public Locked(KSpinLock l) { _l = l; _l.Lock(); {|#0:}|}
                public void Unlock() => _l.Unlock();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_l'", "is still held", "spin_lock", "line 5", "Locked", "reaches its end"));
    }

    [Fact]
    public async Task A_Dispose_that_releases_once_a_lock_no_constructor_takes_is_still_a_stray_release()
    {
        var source = TestEnvironment.Usings + """
            sealed class Locked : System.IDisposable
            {
                readonly KSpinLock _l = new();
                readonly KSpinLock _other;
                bool _disposed;
                public Locked(KSpinLock other) { _other = other; _other.Lock(); }
                public void Dispose() { if (_disposed) return; _disposed = true; _other.Unlock(); {|#0:_l.Unlock()|}; }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseWithoutLock).WithLocation(0)
                .WithArguments("_l.Unlock()", "'_l'", "is not held", ""));
    }
}

using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008 builds no graph for a body that locks only in the guard form (<c>using (l.Lock())</c>: the using releases
/// the lock on every path). These are the bodies that use guards and still have a mistake to report: each would go
/// unreported if the skip took them for guard-only. Then the guard-only shapes themselves, which stay silent.
/// Line 1 is the usings line.
/// </summary>
public class GFP008UsingGuardOnlyBodyTests
{
    private const string Header = TestEnvironment.Usings;

    [Fact]
    public async Task A_plain_lock_taken_inside_a_guard_section_is_still_leaked()
    {
        const string source = Header + """
            class C
            {
                readonly Rcu _rcu = new();
                readonly KSpinLock _lock = new();

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        _lock.Lock();
                    }
                {|#0:}|}
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_lock", "line 11", "M", "reaches its end"));
    }

    [Fact]
    public async Task A_guard_kept_in_a_local_without_using_leaks_beside_a_using_guard()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _a = new();
                readonly KSpinLock _b = new();

                void M()
                {
                    using var held = _a.Lock();
                    var forgotten = _b.LockBh();
                {|#0:}|}
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_b'", "is still held", "spin_lock_bh", "line 10", "M", "reaches its end"));
    }

    [Fact]
    public async Task An_unlock_after_the_guard_released_the_lock_is_a_release_without_lock()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _lock = new();

                void M()
                {
                    using (_lock.Lock())
                    {
                    }

                    {|#0:_lock.Unlock()|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseWithoutLock).WithLocation(0)
                .WithArguments("_lock.Unlock()", "'_lock'", "is not held", ""));
    }

    [Fact]
    public async Task A_wrong_release_inside_a_guard_section_of_another_lock_is_reported()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _a = new();
                readonly KSpinLock _b = new();

                void M()
                {
                    var flags = _b.LockIrqSave();
                    using (_a.Lock())
                    {
                        {|#0:_b.Unlock()|};
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.WrongRelease).WithLocation(0)
                .WithArguments("_b.Unlock()", "spin_lock_irqsave", 9, "_b.UnlockIrqRestore(flags)"));
    }

    [Fact]
    public async Task A_trylock_beside_a_guard_section_is_still_held_where_it_succeeded()
    {
        const string source = Header + """
            class C
            {
                readonly Rcu _rcu = new();
                readonly KSpinLock _lock = new();

                int M()
                {
                    if (!_lock.TryLock())
                        return 1;
                    using (_rcu.ReadLock())
                    {
                    }

                    {|#0:return 0;|}
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_trylock", "line 9", "M", "returns at line 15"));
    }

    [Fact]
    public async Task Irqs_saved_without_a_guard_inside_a_guard_section_stay_disabled()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _lock = new();

                void M()
                {
                    using var guard = _lock.Lock();
                    var flags = LocalIrq.Save();
                {|#0:}|}
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("Interrupts", "are still disabled", "local_irq_save", "line 9", "M", "reaches its end"));
    }

    [Fact]
    public async Task A_lambda_in_a_guard_section_that_leaks_its_own_lock_is_reported()
    {
        const string source = Header + """
            class C
            {
                readonly Rcu _rcu = new();
                readonly KSpinLock _lock = new();

                void M()
                {
                    using (_lock.Lock())
                    {
                        System.Action read = () =>
                        {
                            _rcu.ReadLock();
                        {|#0:}|};
                        read();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockNotReleased).WithLocation(0)
                .WithArguments("line 13", "lambda", "reaches its end"));
    }

    [Fact]
    public async Task A_local_function_beside_a_guard_that_releases_a_lock_nobody_took_is_reported()
    {
        const string source = Header + """
            class C
            {
                readonly KSpinLock _lock = new();

                void M(bool drop)
                {
                    using (_lock.Lock())
                    {
                    }

                    Drop(drop);

                    void Drop(bool now)
                    {
                        _lock.Lock();
                        _lock.Unlock();
                        if (now)
                            {|#0:_lock.Unlock()|};
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseWithoutLock).WithLocation(0)
                .WithArguments("_lock.Unlock()", "'_lock'", "is not held", ""));
    }

    [Fact]
    public async Task An_annotated_acquire_helper_called_inside_a_guard_section_leaks_in_the_caller()
    {
        const string source = Header + """
            class C
            {
                readonly Rcu _rcu = new();
                readonly KSpinLock _lock = new();

                [AcquiresLock(nameof(_lock))]
                void Take() => _lock.Lock();

                [ReleasesLock(nameof(_lock))]
                void Release() => _lock.Unlock();

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        Take();
                    }
                {|#0:}|}
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_lock", "line 17", "M", "reaches its end"));
    }

    [Fact]
    public async Task A_library_enumerator_that_takes_a_lock_beside_a_guard_section_leaks()
    {
        // The foreach's GetEnumerator is a library's annotated acquire helper: no invocation of the tree shows it.
        var library = await LibraryReferences.CSharpAsync("Lists", [TestEnvironment.RuntimeReference], """
            using GfpAnalyzers.Runtime;
            namespace Lists;
            public sealed class LockedList
            {
                public readonly KSpinLock Lock = new();

                [AcquiresLock(nameof(Lock))]
                public System.Collections.Generic.List<int>.Enumerator GetEnumerator()
                {
                    Lock.Lock();
                    return new System.Collections.Generic.List<int>().GetEnumerator();
                }

                [ReleasesLock(nameof(Lock))]
                public void Unlock() => Lock.Unlock();
            }
            """);
        var test = new VerifyCS.Test
        {
            TestCode = Header + """
                class C
                {
                    readonly Rcu _rcu = new();

                    int M(Lists.LockedList list)
                    {
                        using (_rcu.ReadLock())
                        {
                        }

                        foreach (var item in list)
                        {
                        }

                        {|#0:return 0;|}
                    }
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(library);
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
            .WithArguments("'list.Lock'", "is still held", "spin_lock", "line 12 by the foreach's call to 'LockedList.GetEnumerator()'", "M", "returns at line 16"));
        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("using (_lock.Lock()) { Work(); }")]
    [InlineData("using var guard = _lock.LockIrq(); Work();")]
    [InlineData("using (var guard = _rcu.ReadLock()) { if (Work()) return; Work(); }")]
    [InlineData("using (_lock.GuardIrqSave()) using (_rw.WriteLockBh()) { Work(); }")]
    [InlineData("for (var i = 0; i < 4; i++) { using var guard = _lock.Lock(); if (Work()) continue; if (Work()) break; }")]
    [InlineData("using (Preempt.Guard()) { using var irq = LocalIrq.SaveGuard(); using var bh = LocalBh.Guard(); throw new System.InvalidOperationException(); }")]
    [InlineData("using var rq = Scheduler.LockRunqueue(); System.Action later = () => { using (_rcu.ReadLock()) { Work(); } };")]
    public async Task Locks_taken_only_as_using_guards_are_balanced(string body)
    {
        var source = Header + """
            class C
            {
                readonly Rcu _rcu = new();
                readonly KSpinLock _lock = new();
                readonly KRwLock _rw = new();

                bool Work() => true;

                void M()
                {
            """ + "\n        " + body + "\n    }\n}\n";
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_guard_only_body_that_says_it_releases_the_caller_s_lock_is_not_reported()
    {
        // [ReleasesLock] without a release: GFP008 judges releases the body makes, and there is none (as before the skip).
        const string source = Header + """
            class C
            {
                readonly Rcu _rcu = new();
                readonly KSpinLock _lock = new();

                [ReleasesLock(nameof(_lock))]
                void M()
                {
                    using (_rcu.ReadLock())
                    {
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

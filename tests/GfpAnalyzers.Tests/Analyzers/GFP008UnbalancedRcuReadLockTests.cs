using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP008: read locks left held at an exit, and unlocks with no lock held. Line 1 is the usings line.</summary>
public class GFP008UnbalancedRcuReadLockTests
{
    private static DiagnosticResult Leak(int location, string lines, string method, string how)
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockNotReleased).WithLocation(location).WithArguments(lines, method, how);

    private static DiagnosticResult Unlock(int location, string detail = "")
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.UnlockWithoutLock).WithLocation(location).WithArguments(detail);

    private static string Code(string body) => TestEnvironment.Usings + body;

    [Fact]
    public async Task Early_return_that_skips_the_unlock_is_reported_at_the_return()
    {
        var source = Code("""
            class C
            {
                void Record(Rcu rcu, object? p)
                {
                    rcu.ReadLock();
                    if (p is null)
                        {|#0:return;|}
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 6", "Record", "returns at line 8"));
    }

    [Fact]
    public async Task Early_return_inside_a_block_is_reported_at_the_return()
    {
        var source = Code("""
            class C
            {
                void Record(Rcu rcu, object? p)
                {
                    rcu.ReadLock();
                    if (p is null)
                    {
                        p = new object();
                        {|#0:return;|}
                    }
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 6", "Record", "returns at line 10"));
    }

    [Fact]
    public async Task Lock_never_released_is_reported_at_the_end_of_the_method()
    {
        var source = Code("""
            class C
            {
                void Record(Rcu rcu, int pfn)
                {
                    rcu.ReadLock();
                    pfn++;
                {|#0:}|}
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 6", "Record", "reaches its end"));
    }

    [Fact]
    public async Task Returning_a_value_with_the_lock_held_is_reported_at_the_return()
    {
        var source = Code("""
            class C
            {
                Page? Lookup(Rcu rcu, RcuPointer<Page> slot)
                {
                    rcu.ReadLock();
                    var page = slot.Dereference();
                    if (page is not null)
                        {|#0:return page;|}
                    rcu.ReadUnlock();
                    return null;
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 6", "Lookup", "returns at line 9"));
    }

    [Fact]
    public async Task Two_nested_locks_left_held_are_both_named()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    rcu.ReadLock();
                {|#0:}|}
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "lines 6 and 7", "M", "reaches its end"));
    }

    [Fact]
    public async Task Return_through_a_finally_that_does_not_unlock_is_reported_only_on_the_locked_path()
    {
        var source = Code("""
            class C
            {
                int _count;

                void M(Rcu rcu, bool c)
                {
                    try
                    {
                        if (c)
                        {
                            rcu.ReadLock();
                            {|#0:return;|}
                        }
                    }
                    finally
                    {
                        _count++;
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 12", "M", "returns at line 13"));
    }

    [Fact]
    public async Task Unlock_with_no_lock_is_reported()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    rcu.ReadUnlock();
                    {|#0:rcu.ReadUnlock()|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Unlock(0));
    }

    [Fact]
    public async Task RcuReadLockHeld_method_may_release_and_retake_the_callers_lock()
    {
        var source = Code("""
            class C
            {
                [RcuReadLockHeld]
                void Walk(Rcu rcu, int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        rcu.ReadUnlock();
                        rcu.Synchronize();
                        rcu.ReadLock();
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task RcuReadLockHeld_method_releasing_more_than_the_callers_lock_is_reported()
    {
        var source = Code("""
            class C
            {
                [RcuReadLockHeld]
                void Drop(Rcu rcu)
                {
                    rcu.ReadUnlock();
                    {|#0:rcu.ReadUnlock()|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Unlock(0, " (the caller's lock has already been released)"));
    }

    [Fact]
    public async Task RcuReadLockHeld_method_leaving_with_an_extra_lock_is_reported()
    {
        var source = Code("""
            class C
            {
                [RcuReadLockHeld]
                void Nest(Rcu rcu)
                {
                    rcu.ReadLock();
                {|#0:}|}
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 7", "Nest", "reaches its end"));
    }

    [Fact]
    public async Task Lock_taken_in_a_lambda_and_not_released_is_reported_in_the_lambda_only()
    {
        var source = Code("""
            using System;
            class C
            {
                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    Action a = () =>
                    {
                        rcu.ReadLock();
                    {|#0:}|};
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 10", "lambda", "reaches its end"));
    }

    [Fact]
    public async Task Using_forms_are_balanced_on_every_path()
    {
        var source = Code("""
            class C
            {
                Page? M(Rcu rcu, PageAllocator a, bool c)
                {
                    using (rcu.ReadLock())
                    {
                        if (c)
                            return null;
                    }

                    using var guard = rcu.ReadLock();
                    if (c)
                        return null;
                    return a.AllocPage(Gfp.Atomic);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Unlock_in_finally_balances_every_early_return()
    {
        var source = Code("""
            class C
            {
                int M(Rcu rcu, int[] values)
                {
                    rcu.ReadLock();
                    try
                    {
                        foreach (var v in values)
                        {
                            if (v < 0)
                                return v;
                        }
                        return 0;
                    }
                    finally
                    {
                        rcu.ReadUnlock();
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Conditional_locking_balanced_by_the_same_condition_is_quiet()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu, bool atomic, int pfn)
                {
                    if (atomic)
                        rcu.ReadLock();
                    pfn++;
                    if (atomic)
                        rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Lock_flag_local_balances_the_unlock()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu, object? p)
                {
                    var locked = false;
                    if (p is not null)
                    {
                        rcu.ReadLock();
                        locked = true;
                    }
                    if (locked)
                        rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Lock_held_on_only_some_paths_to_an_exit_is_not_reported_there()
    {
        // Held only when c: the rule reports an exit only where every path into it holds the lock.
        var source = Code("""
            class C
            {
                void M(Rcu rcu, bool c)
                {
                    if (c)
                        rcu.ReadLock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Locks_and_unlocks_in_loops_are_balanced()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu, int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        rcu.ReadLock();
                        if (i == 2)
                        {
                            rcu.ReadUnlock();
                            break;
                        }
                        rcu.ReadUnlock();
                    }

                    for (var i = 0; i < n; i++)
                        rcu.ReadLock();
                    for (var i = 0; i < n; i++)
                        rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Guard_disposed_explicitly_is_balanced_and_never_an_unlock_without_lock()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu)
                {
                    var guard = rcu.ReadLock();
                    guard.Dispose();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Release_helper_that_never_locks_is_not_judged()
    {
        // Like RcuReadGuard.Dispose: it releases a lock its caller took. Mark it [RcuReadLockHeld] to have it checked.
        var source = Code("""
            class C
            {
                Rcu? _rcu;

                void Leave() => _rcu?.ReadUnlock();
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Guard_handed_to_the_caller_or_stored_is_not_a_leak()
    {
        var source = Code("""
            class C
            {
                RcuReadGuard _held;

                RcuReadGuard Enter(Rcu rcu) => rcu.ReadLock();

                RcuReadGuard EnterVia(Rcu rcu)
                {
                    var guard = rcu.ReadLock();
                    return guard;
                }

                void Keep(Rcu rcu) => _held = rcu.ReadLock();
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Guard_kept_in_a_local_and_never_disposed_is_a_leak()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu)
                {
                    var guard = rcu.ReadLock();
                {|#0:}|}
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 6", "M", "reaches its end"));
    }

    [Fact]
    public async Task Code_that_does_not_bind_gets_no_diagnostic()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Code("""
                class C
                {
                    void M(Rcu rcu)
                    {
                        rcu.ReadLock();
                        rcu.ReadUnlok();
                    }

                    void N(Rcu rcu)
                    {
                        rcu.ReadUnlock(undefined);
                        nope.ReadLock();
                    }

                    void O(Rcu rcu)
                    {
                        rcu.ReadLock();
                        rcu.
                    }
                }
                """),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Return_under_a_false_constant_is_not_a_path_out()
    {
        var source = Code("""
            class C
            {
                private const bool Debug = false;

                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    if (Debug) return;
                    if (false) rcu.ReadUnlock();
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task An_AcquiresRcuReadLock_helper_may_return_holding_the_lock()
    {
        // The seq_file start/stop pair: start is __acquires(RCU), stop (a release helper) unlocks.
        var source = Code("""
            class C
            {
                private readonly Rcu rcu = new();

                [AcquiresRcuReadLock]
                public void SeqStart() { rcu.ReadLock(); }

                public void SeqStop() { rcu.ReadUnlock(); }

                public void Unmarked() { rcu.ReadLock(); {|#0:}|}
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, "line 11", "Unmarked", "reaches its end"));
    }
}

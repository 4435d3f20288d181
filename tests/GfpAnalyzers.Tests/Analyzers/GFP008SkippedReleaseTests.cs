using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008: a lock left held on some exits by an uncorrelated early exit — a break, continue or goto that skips the
/// release the method wrote — is the real leak and is reported; a lock left held on some exits by correlated
/// conditions, or released before the jump, is not. Line 1 is the usings line.
/// </summary>
public class GFP008SkippedReleaseTests
{
    private static string Code(string body) => TestEnvironment.Usings + """
        class C
        {
            const int EINVAL = 22;
            readonly KSpinLock _lock = new();
            readonly Rcu _rcu = new();
            int _state;

        """ + body + "\n}\n";

    private static DiagnosticResult Skipped(int location, string noun, string primitive, int lockLine, string method, string how, string jump, int releaseLine)
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockSkippedByJump).WithLocation(location)
            .WithArguments(noun, "is still held", primitive, $"line {lockLine}", method, how, jump, releaseLine);

    [Fact]
    public async Task A_break_out_of_a_switch_case_that_skips_the_unlock_is_reported_at_the_shared_return()
    {
        // The shape of many kernel "add missing unlock on error path" fixes in ioctl handlers: the error break
        // leaves the case with the lock held and reaches the common return that the default case reaches unlocked.
        var source = Code("""
                int Ioctl(int cmd, bool busy)
                {
                    _lock.Lock();
                    switch (cmd)
                    {
                        case 1:
                            if (busy)
                                break;
                            _state++;
                            _lock.Unlock();
                            return 0;
                        default:
                            _lock.Unlock();
                            break;
                    }
                    {|#0:return -EINVAL;|}
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Skipped(0, "'_lock'", "spin_lock", 10, "Ioctl", "returns at line 23", "'break' at line 15", 17));
    }

    [Fact]
    public async Task A_break_out_of_a_loop_between_lock_and_unlock_is_reported()
    {
        var source = Code("""
                int Walk(int[] items)
                {
                    var ret = 0;
                    for (var i = 0; i < items.Length; i++)
                    {
                        _lock.Lock();
                        if (items[i] < 0)
                        {
                            ret = -EINVAL;
                            break;
                        }
                        items[i]++;
                        _lock.Unlock();
                    }
                    {|#0:return ret;|}
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Skipped(0, "'_lock'", "spin_lock", 13, "Walk", "returns at line 22", "'break' at line 17", 20));
    }

    [Fact]
    public async Task A_goto_past_the_unlock_to_the_shared_return_is_reported()
    {
        var source = Code("""
                int Update(bool bad)
                {
                    var ret = 0;
                    _rcu.ReadLock();
                    if (bad)
                        goto out_;
                    _state++;
                    _rcu.ReadUnlock();
                out_:
                    {|#0:return ret;|}
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Skipped(0, "The RCU read lock", "rcu_read_lock", 11, "Update", "returns at line 17", "'goto' at line 13", 15));
    }

    [Fact]
    public async Task Held_on_every_path_keeps_the_plain_message()
    {
        // With no default case every path to the return holds the lock: the first GFP008 case, with its fix.
        var source = Code("""
                int Ioctl(int cmd, bool busy)
                {
                    _lock.Lock();
                    switch (cmd)
                    {
                        case 1:
                            if (busy)
                                break;
                            _lock.Unlock();
                            return 0;
                    }
                    {|#0:return -EINVAL;|}
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_lock", "line 10", "Ioctl", "returns at line 19"));
    }

    [Fact]
    public async Task Jumps_that_do_not_skip_the_release_and_correlated_conditions_are_quiet()
    {
        var source = Code("""
                // Released before the break.
                int UnlockFirst(int cmd, bool busy)
                {
                    _lock.Lock();
                    switch (cmd)
                    {
                        case 1:
                            if (busy)
                            {
                                _lock.Unlock();
                                break;
                            }
                            _lock.Unlock();
                            return 0;
                        default:
                            _lock.Unlock();
                            break;
                    }
                    return -EINVAL;
                }

                // The break leaves an inner loop; the unlock after it still runs.
                void Inner(int[] items)
                {
                    _lock.Lock();
                    foreach (var item in items)
                    {
                        if (item == 0)
                            break;
                        _state += item;
                    }
                    _lock.Unlock();
                }

                // The goto's label is the unlock: the kernel's out_unlock idiom.
                int OutUnlock(bool bad)
                {
                    var ret = 0;
                    _lock.Lock();
                    if (bad)
                    {
                        ret = -EINVAL;
                        goto out_unlock;
                    }
                    _state++;
                out_unlock:
                    _lock.Unlock();
                    return ret;
                }

                // Correlated conditions: taken and released under the same bool.
                int Correlated(bool c, int[] items)
                {
                    if (c)
                        _lock.Lock();
                    foreach (var item in items)
                    {
                        if (item == 0)
                            break;
                    }
                    if (c)
                        _lock.Unlock();
                    return 0;
                }

                // Conditional lock with a break after it and no release in the method (an acquire of its own kind).
                void TakeSometimes(bool c, int[] items)
                {
                    if (c)
                        _lock.Lock();
                    foreach (var item in items)
                    {
                        if (item == 0)
                            break;
                    }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

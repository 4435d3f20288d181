using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer, GfpAnalyzers.CodeFixes.GFP008UnbalancedRcuReadLockCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP008's fix for locks other than RCU: the release it inserts is the primitive that matches the lock.</summary>
public class GFP008LockReleaseCodeFixTests
{
    private const string Key = GFP008UnbalancedRcuReadLockCodeFix.EquivalenceKey;

    [Fact]
    public async Task An_irqsave_section_left_open_gets_UnlockIrqRestore_with_its_flags()
    {
        const string source = TestEnvironment.Usings + """
            class Driver
            {
                private readonly KSpinLock _lock = new();

                void Poll(object? work)
                {
                    var flags = _lock.LockIrqSave();
                    if (work is null)
                        {|GFP008:return;|}
                    _lock.UnlockIrqRestore(flags);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Driver
            {
                private readonly KSpinLock _lock = new();

                void Poll(object? work)
                {
                    var flags = _lock.LockIrqSave();
                    if (work is null)
                    {
                        _lock.UnlockIrqRestore(flags);
                        return;
                    }
                    _lock.UnlockIrqRestore(flags);
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task A_lock_left_held_after_a_closing_loop_is_released_after_the_loop()
    {
        const string source = TestEnvironment.Usings + """
            class Queue
            {
                private readonly KSpinLock _lock = new();
                private int _pending;

                void Drain()
                {
                    _lock.Lock();
                    while (_pending > 0)
                    {
                        _pending--;
                    }
                {|GFP008:}|}
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Queue
            {
                private readonly KSpinLock _lock = new();
                private int _pending;

                void Drain()
                {
                    _lock.Lock();
                    while (_pending > 0)
                    {
                        _pending--;
                    }
                    _lock.Unlock();
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Preemption_left_disabled_at_the_end_gets_Enable()
    {
        const string source = TestEnvironment.Usings + """
            class Counter
            {
                void Bump()
                {
                    Preempt.Disable();
                {|GFP008:}|}
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Counter
            {
                void Bump()
                {
                    Preempt.Disable();
                    Preempt.Enable();
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Not_offered_when_the_saved_flags_are_out_of_scope_at_the_exit()
    {
        const string source = TestEnvironment.Usings + """
            class Driver
            {
                private readonly KSpinLock _lock = new();

                void Poll(bool fast)
                {
                    if (fast)
                    {
                        var flags = _lock.LockIrqSave();
                    }
                    else
                    {
                        var flags = _lock.LockIrqSave();
                    }
                {|GFP008:}|}
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }
}

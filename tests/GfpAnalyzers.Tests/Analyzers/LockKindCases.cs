using GfpAnalyzers.Tests.Verifiers;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// One row per way of entering an atomic context, shared by the per-kind tests of GFP001, GFP003, GFP008 and GFP009:
/// the code that enters it, the code that leaves it, and how messages name it. Every snippet is put at line 9 of
/// <see cref="Source"/> (the usings line is line 1), so each context is "entered at line 9".
/// </summary>
public static class LockKindCases
{
    public const int EnteredAt = 9;

    private static readonly (string Kind, string Enter, string Exit, string Context)[] Rows =
    {
        ("spin_lock", "_lock.Lock();", "_lock.Unlock();", Lock("spin_lock", "_lock")),
        ("spin_lock guard", "using (_lock.Lock()) {", "}", Lock("spin_lock", "_lock")),
        ("spin_lock_irqsave", "var flags = _lock.LockIrqSave();", "_lock.UnlockIrqRestore(flags);", Lock("spin_lock_irqsave", "_lock")),
        ("spin_lock_irqsave scoped guard", "using (_lock.GuardIrqSave()) {", "}", Lock("spin_lock_irqsave", "_lock")),
        ("spin_lock_irq", "_lock.LockIrq();", "_lock.UnlockIrq();", Lock("spin_lock_irq", "_lock")),
        ("spin_lock_bh", "_lock.LockBh();", "_lock.UnlockBh();", Lock("spin_lock_bh", "_lock")),
        ("spin_lock_bh guard disposed", "var guard = _lock.LockBh();", "guard.Dispose();", Lock("spin_lock_bh", "_lock")),
        ("spin_trylock", "if (_lock.TryLock()) {", "_lock.Unlock(); }", Lock("spin_trylock", "_lock")),
        ("spin_trylock_irqsave", "if (_lock.TryLockIrqSave(out var flags)) {", "_lock.UnlockIrqRestore(flags); }", Lock("spin_trylock_irqsave", "_lock")),
        ("raw_spin_lock", "_raw.Lock();", "_raw.Unlock();", Lock("raw_spin_lock", "_raw")),
        ("raw_spin_lock_irqsave", "var flags = _raw.LockIrqSave();", "_raw.UnlockIrqRestore(flags);", Lock("raw_spin_lock_irqsave", "_raw")),
        ("read_lock", "_rw.ReadLock();", "_rw.ReadUnlock();", Lock("read_lock", "_rw")),
        ("read_lock_irqsave", "var flags = _rw.ReadLockIrqSave();", "_rw.ReadUnlockIrqRestore(flags);", Lock("read_lock_irqsave", "_rw")),
        ("read_lock_irq", "_rw.ReadLockIrq();", "_rw.ReadUnlockIrq();", Lock("read_lock_irq", "_rw")),
        ("read_lock_bh", "_rw.ReadLockBh();", "_rw.ReadUnlockBh();", Lock("read_lock_bh", "_rw")),
        ("write_lock", "_rw.WriteLock();", "_rw.WriteUnlock();", Lock("write_lock", "_rw")),
        ("write_lock guard", "using (_rw.WriteLock()) {", "}", Lock("write_lock", "_rw")),
        ("write_lock_irqsave", "var flags = _rw.WriteLockIrqSave();", "_rw.WriteUnlockIrqRestore(flags);", Lock("write_lock_irqsave", "_rw")),
        ("write_lock_irq", "_rw.WriteLockIrq();", "_rw.WriteUnlockIrq();", Lock("write_lock_irq", "_rw")),
        ("write_lock_bh", "_rw.WriteLockBh();", "_rw.WriteUnlockBh();", Lock("write_lock_bh", "_rw")),
        ("write_trylock", "if (_rw.TryWriteLock()) {", "_rw.WriteUnlock(); }", Lock("write_trylock", "_rw")),
        ("preempt_disable", "Preempt.Disable();", "Preempt.Enable();", "with preemption disabled since line 9"),
        ("preempt guard", "using (Preempt.Guard()) {", "}", "with preemption disabled since line 9"),
        ("local_irq_disable", "LocalIrq.Disable();", "LocalIrq.Enable();", "with interrupts disabled since line 9"),
        ("local_irq guard", "using (LocalIrq.Guard()) {", "}", "with interrupts disabled since line 9"),
        ("local_irq_save", "var flags = LocalIrq.Save();", "LocalIrq.Restore(flags);", "with interrupts disabled since line 9"),
        ("local_irq_save guard", "using (LocalIrq.SaveGuard()) {", "}", "with interrupts disabled since line 9"),
        ("local_bh_disable", "LocalBh.Disable();", "LocalBh.Enable();", "with bottom halves disabled since line 9"),
        ("local_bh guard", "using (LocalBh.Guard()) {", "}", "with bottom halves disabled since line 9"),
        ("runqueue lock", "Scheduler.LockRunqueue();", "Scheduler.UnlockRunqueue();", "with the runqueue lock held since line 9"),
        ("runqueue guard", "using (Scheduler.LockRunqueue()) {", "}", "with the runqueue lock held since line 9"),
        ("rcu_read_lock", "_rcu.ReadLock();", "_rcu.ReadUnlock();", "inside the RCU read-side section entered at line 9"),
    };

    /// <summary>Every row: (kind, enter, exit, context).</summary>
    public static IEnumerable<object[]> All => Rows.Select(row => new object[] { row.Kind, row.Enter, row.Exit, row.Context });

    /// <summary>The rows that take and release explicitly (no guard, no trylock): leaving out the release leaks.</summary>
    public static IEnumerable<object[]> ExplicitPairs => Rows
        .Where(row => !row.Enter.StartsWith("using", StringComparison.Ordinal) && !row.Enter.StartsWith("if", StringComparison.Ordinal))
        .Select(row => new object[] { row.Kind, row.Enter, row.Exit });

    /// <summary>Lock fields, a method <c>M</c> with <paramref name="enter"/> at line 9, then <paramref name="body"/>, then <paramref name="exit"/>, then <paramref name="after"/>.</summary>
    public static string Source(string enter, string body, string exit, string after = "", string members = "", string parameters = "")
        => TestEnvironment.Usings + $$"""
            class C
            {
                readonly KSpinLock _lock = new(); readonly KRawSpinLock _raw = new(); readonly KRwLock _rw = new();
                readonly Rcu _rcu = new(); readonly KMutex _m = new(); readonly KSemaphore _s = new(1);
                {{members}}
                void M(PageAllocator a{{parameters}})
                {
                    {{enter}}
                    {{body}}
                    {{exit}}
                    {{after}}
                }
            }
            """;

    private static string Lock(string primitive, string name) => $"inside the {primitive} section of '{name}' entered at line 9";
}

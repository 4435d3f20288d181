namespace GfpAnalyzers.Runtime;

/// <summary>
/// The locks the calling thread holds, oldest first (lockdep's <c>current-&gt;held_locks</c>), so that reports can
/// say which lock made the context atomic, as Linux's debug_show_held_locks() does.
/// </summary>
/// <remarks>
/// RCU read-side sections are listed too (lockdep lists <c>rcu_read_lock</c>), but they are not entries: each entry
/// remembers how deep in read-side sections its thread was when it took the lock, and the sections are placed
/// between the entries from that, when a report is written. An <c>rcu_read_lock()</c>/<c>rcu_read_unlock()</c> pair
/// is a hot path (the allocator's early hook runs inside one), where adding and removing a list entry doubled its
/// cost; leaving a section only lowers the depth remembered by entries taken inside it.
/// </remarks>
internal static class HeldLocks
{
    private const string RcuReadLock = "rcu_read_lock";

    [ThreadStatic]
    private static List<Held>? t_held;

    /// <summary>Records that <paramref name="lockName"/> was taken with <paramref name="primitive"/>.</summary>
    public static void Acquired(string lockName, string primitive)
        => (t_held ??= []).Add(new Held(lockName, primitive, RcuReaders.DepthForLockTaken()));

    /// <summary>Forgets the newest hold of <paramref name="lockName"/>.</summary>
    public static void Released(string lockName)
    {
        var held = t_held;
        for (var i = (held?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (string.Equals(held![i].Name, lockName, StringComparison.Ordinal))
            {
                held.RemoveAt(i);
                return;
            }
        }
    }

    /// <summary>
    /// The calling thread left a read-side section and is now <paramref name="depth"/> deep: the newest section is
    /// released (as lockdep releases the newest <c>rcu_read_lock</c>), so entries taken inside it are listed after
    /// the sections still held.
    /// </summary>
    public static void RcuSectionLeft(int depth)
    {
        var held = t_held;
        if (held is null)
        {
            return;
        }

        // Entries' depths never decrease from the oldest to the newest: those above the new depth are the newest ones.
        for (var i = held.Count - 1; i >= 0 && held[i].RcuDepth > depth; i--)
        {
            held[i] = held[i] with { RcuDepth = depth };
        }
    }

    /// <summary>Linux's held-locks listing: "2 locks held by comm/pid:" then " #0: (name), at: primitive" lines.</summary>
    public static string Describe()
    {
        var lines = new List<string>();
        var sectionsListed = 0;
        void ListSections(int upTo)
        {
            for (; sectionsListed < upTo; sectionsListed++)
            {
                lines.Add($" #{lines.Count}: ({RcuReadLock}), at: {RcuReadLock}");
            }
        }

        foreach (var held in t_held ?? [])
        {
            ListSections(held.RcuDepth);
            lines.Add($" #{lines.Count}: ({held.Name}), at: {held.Primitive}");
        }

        ListSections(RcuReaders.CurrentDepth);
        return lines.Count == 0
            ? $"no locks held by {CurrentTask.Comm}/{CurrentTask.Pid}."
            : $"{lines.Count} lock{(lines.Count == 1 ? "" : "s")} held by {CurrentTask.Comm}/{CurrentTask.Pid}:\n" + string.Join("\n", lines);
    }

    /// <summary>A lock held, and how many read-side sections its thread was in when it took it.</summary>
    private readonly record struct Held(string Name, string Primitive, int RcuDepth);
}

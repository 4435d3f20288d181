namespace GfpAnalyzers.Runtime;

/// <summary>
/// The locks the calling thread holds, oldest first (lockdep's <c>current-&gt;held_locks</c>), so that reports can
/// say which lock made the context atomic, as Linux's debug_show_held_locks() does.
/// </summary>
internal static class HeldLocks
{
    [ThreadStatic]
    private static List<(string Name, string Primitive)>? t_held;

    /// <summary>Records that <paramref name="lockName"/> was taken with <paramref name="primitive"/>.</summary>
    public static void Acquired(string lockName, string primitive) => (t_held ??= []).Add((lockName, primitive));

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

    /// <summary>Linux's held-locks listing: "2 locks held by comm/pid:" then " #0: (name), at: primitive" lines.</summary>
    public static string Describe()
    {
        var held = t_held;
        if (held is null || held.Count == 0)
        {
            return $"no locks held by {CurrentTask.Comm}/{CurrentTask.Pid}.";
        }

        var lines = held.Select((h, i) => $" #{i}: ({h.Name}), at: {h.Primitive}");
        return $"{held.Count} lock{(held.Count == 1 ? "" : "s")} held by {CurrentTask.Comm}/{CurrentTask.Pid}:\n" + string.Join("\n", lines);
    }
}

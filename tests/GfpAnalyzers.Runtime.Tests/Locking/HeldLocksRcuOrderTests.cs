namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// Read-side sections appear in the held-locks listing of a report in the order they were entered among the other
/// locks, and leaving a section removes the newest one, as lockdep lists and releases <c>rcu_read_lock</c>.
/// </summary>
public class HeldLocksRcuOrderTests
{
    private static string Me => $"{CurrentTask.Comm}/{CurrentTask.Pid}";

    private static string Rcu(int index) => $" #{index}: (rcu_read_lock), at: rcu_read_lock";

    private static string Spin(int index, string name) => $" #{index}: ({name}), at: spin_lock";

    [Fact]
    public void Sections_are_listed_between_the_locks_taken_before_and_after_them()
    {
        var allocator = new PageAllocator();
        var a = new KSpinLock("a");
        var b = new KSpinLock("b");

        using (allocator.Rcu.ReadLock())
        using (a.Lock())
        using (allocator.Rcu.ReadLock())
        using (b.Lock())
        {
            allocator.AllocPage(Gfp.Kernel);
        }

        Assert.Contains(
            $"4 locks held by {Me}:\n{Rcu(0)}\n{Spin(1, "a")}\n{Rcu(2)}\n{Spin(3, "b")}\n",
            Assert.Single(allocator.Log.Messages),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Leaving_a_section_while_a_lock_taken_inside_it_is_held_removes_the_newest_section()
    {
        var allocator = new PageAllocator();
        var a = new KSpinLock("a");
        var b = new KSpinLock("b");

        allocator.Rcu.ReadLock();
        a.Lock();
        allocator.Rcu.ReadLock();
        b.Lock();
        allocator.Rcu.ReadUnlock();
        allocator.AllocPage(Gfp.Kernel);
        allocator.Rcu.ReadUnlock();
        allocator.AllocPage(Gfp.Kernel);
        b.Unlock();
        a.Unlock();
        allocator.AllocPage(Gfp.Kernel);

        Assert.Collection(
            allocator.Log.Messages,
            first => Assert.Contains($"3 locks held by {Me}:\n{Rcu(0)}\n{Spin(1, "a")}\n{Spin(2, "b")}\n", first, StringComparison.Ordinal),
            second => Assert.Contains($"2 locks held by {Me}:\n{Spin(0, "a")}\n{Spin(1, "b")}\n", second, StringComparison.Ordinal));
    }
}

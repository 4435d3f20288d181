namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Contract 3: a read-side section entered with any Rcu on this thread is seen by any allocator.</summary>
public class SleepingInAtomicTests
{
    private const string SleepingBug = "BUG: sleeping function called from invalid context";

    [Fact]
    public void GFP_KERNEL_inside_a_section_of_another_Rcu_instance_is_a_bug()
    {
        var allocator = new PageAllocator();
        using (new Rcu().ReadLock())
        {
            Assert.NotNull(allocator.AllocPage(Gfp.Kernel));
        }

        var message = Assert.Single(allocator.Log.Messages);
        Assert.StartsWith(SleepingBug, message, StringComparison.Ordinal);
        Assert.Contains("RCU nest depth: 1, expected: 0", message, StringComparison.Ordinal);
        Assert.Contains("SleepingInAtomicTests.cs", message, StringComparison.Ordinal);
        Assert.Contains("mode:0xcc0(GFP_KERNEL)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discarded_guard_with_explicit_unlock_also_counts_as_a_section()
    {
        var allocator = new PageAllocator();
        var rcu = new Rcu();
        rcu.ReadLock();
        allocator.AllocPage(Gfp.NoIo);
        rcu.ReadUnlock();
        allocator.AllocPage(Gfp.NoIo);

        Assert.Equal(1, allocator.Log.Count(SleepingBug));
    }

    [Theory]
    [InlineData(Gfp.Atomic)]
    [InlineData(Gfp.NoWait)]
    [InlineData(Gfp.High | Gfp.NoCodetag)]
    public void Non_blocking_masks_are_fine_inside_a_section(Gfp gfp)
    {
        var allocator = new PageAllocator();
        using (new Rcu().ReadLock())
        {
            allocator.AllocPage(gfp);
        }

        Assert.False(allocator.Log.Contains(SleepingBug));
    }

    [Fact]
    public async Task A_section_on_another_thread_does_not_make_this_thread_atomic()
    {
        var allocator = new PageAllocator();
        using var reader = ReaderThread.Enter(new Rcu());

        allocator.AllocPage(Gfp.Kernel);
        reader.Leave();

        await reader.Task.Within();
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void Sleeping_with_the_runqueue_lock_held_is_a_bug_in_atomic_context()
    {
        var allocator = new PageAllocator();
        using (Scheduler.LockRunqueue())
        {
            allocator.AllocPage(Gfp.Kernel);
        }

        Assert.Contains("in_atomic(): 1", Assert.Single(allocator.Log.Messages), StringComparison.Ordinal);
    }
}

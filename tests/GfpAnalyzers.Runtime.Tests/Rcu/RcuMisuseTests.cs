namespace GfpAnalyzers.Runtime.Tests;


/// <summary>Misuse of RCU is reported to the log, never thrown, never a hang.</summary>
public class RcuMisuseTests
{
    [Fact]
    public void Unlock_without_lock_reports_bad_unlock_balance_and_leaves_depth_at_zero()
    {
        var rcu = new Rcu();

        rcu.ReadUnlock();

        Assert.True(rcu.Log.Contains("WARNING: bad unlock balance detected!"));
        Assert.False(rcu.ReadLockHeld);
        using (rcu.ReadLock())
        {
            Assert.Equal(1, Rcu.NestingDepth);
        }

        Assert.Equal(0, Rcu.NestingDepth);
    }

    [Fact]
    public async Task Synchronize_inside_a_reader_reports_and_returns()
    {
        var rcu = new Rcu();
        var done = Task.Run(() =>
        {
            using (rcu.ReadLock())
            {
                rcu.Synchronize();
            }
        });

        await done.Within();
        Assert.True(rcu.Log.Contains("Illegal synchronize_rcu() in RCU read-side critical section"));
        Assert.Equal(0, rcu.CompletedGracePeriods);
    }

    [Fact]
    public void Nested_sections_are_held_until_the_outermost_unlock()
    {
        var rcu = new Rcu();
        var other = new Rcu();

        using (rcu.ReadLock())
        {
            using (other.ReadLock())
            {
                Assert.Equal(2, Rcu.NestingDepth);
            }

            Assert.True(rcu.ReadLockHeld);
            Assert.True(other.ReadLockHeld);
        }

        Assert.False(rcu.ReadLockHeld);
        Assert.Empty(rcu.Log.Messages);
    }

    [Fact]
    public void Dereference_outside_a_section_is_reported_when_the_pointer_checks()
    {
        var rcu = new Rcu();
        var pointer = new RcuPointer<string>(rcu);
        pointer.Assign("x");

        Assert.Equal("x", pointer.Dereference());

        Assert.True(rcu.Log.Contains("suspicious rcu_dereference_check() usage"));
    }

    [Fact]
    public void Dereference_inside_a_section_is_silent()
    {
        var rcu = new Rcu();
        var pointer = new RcuPointer<string>(rcu);
        pointer.Assign("x");

        using (rcu.ReadLock())
        {
            Assert.Equal("x", pointer.Dereference());
        }

        Assert.Empty(rcu.Log.Messages);
    }

    [Fact]
    public void Default_guard_disposes_without_effect()
    {
        var rcu = new Rcu();
        default(RcuReadGuard).Dispose();
        Assert.Empty(rcu.Log.Messages);
    }

    [Fact]
    public void Synchronize_with_the_runqueue_lock_held_is_sleeping_in_atomic_context()
    {
        var rcu = new Rcu();
        using (Scheduler.LockRunqueue())
        {
            rcu.Synchronize();
        }

        Assert.True(rcu.Log.Contains("BUG: sleeping function called from invalid context at kernel/rcu/tree.c"));
        Assert.Equal(1, rcu.CompletedGracePeriods);
    }

    [Fact]
    public async Task A_thread_that_ended_inside_a_section_does_not_stall_synchronize()
    {
        var rcu = new Rcu();
        var leaker = new Thread(() => rcu.ReadLock());
        leaker.Start();
        Assert.True(leaker.Join(TestTimeouts.Long));

        await TestTimeouts.Thread(rcu.Synchronize).Within();

        Assert.Equal(1, rcu.CompletedGracePeriods);
    }
}

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>preempt_disable/enable and local_bh_disable/enable change preempt_count as Linux encodes it.</summary>
public class PreemptAndBhTests
{
    [Fact]
    public void Preempt_disable_adds_one_per_level_and_enable_takes_it_back()
    {
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Preempt.Disable();
        Preempt.Disable();
        Assert.Equal(new AtomicState(2, true, false, false), AtomicState.Now);
        Preempt.Enable();
        Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        Preempt.Enable();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Preempt_guard_disables_until_disposed()
    {
        using (Preempt.Guard())
        {
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Local_bh_disable_adds_SOFTIRQ_DISABLE_OFFSET_and_is_in_softirq_but_not_serving_one()
    {
        LocalBh.Disable();
        Assert.Equal(new AtomicState(0x200, true, false, true), AtomicState.Now);
        Assert.False(PreemptCount.InServingSoftirq);
        Assert.True(PreemptCount.InInterrupt);
        Assert.False(PreemptCount.InHardirq);
        LocalBh.Enable();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Bh_guard_nests_with_preempt_disable_in_separate_fields()
    {
        using (Preempt.Guard())
        {
            using (LocalBh.Guard())
            {
                using (LocalBh.Guard())
                {
                    Assert.Equal(new AtomicState(0x401, true, false, true), AtomicState.Now);
                }

                Assert.Equal(0x201, PreemptCount.Value);
            }

            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Preempt_enable_without_disable_throws_and_changes_nothing()
    {
        var error = Assert.Throws<InvalidOperationException>(Preempt.Enable);
        Assert.Contains("preempt_enable() without a matching disable", error.Message, StringComparison.Ordinal);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Local_bh_enable_does_not_eat_a_preempt_disable()
    {
        Preempt.Disable();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(LocalBh.Enable);
            Assert.Contains("local_bh_enable() without a matching disable", error.Message, StringComparison.Ordinal);
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }
        finally
        {
            Preempt.Enable();
        }
    }

    [Fact]
    public void Preempt_disable_past_the_8_bit_field_throws_instead_of_spilling_into_the_softirq_bits()
    {
        for (var i = 0; i < PreemptCount.PreemptMask; i++)
        {
            Preempt.Disable();
        }

        try
        {
            Assert.Throws<InvalidOperationException>(Preempt.Disable);
            Assert.Equal(0xff, PreemptCount.Value);
            Assert.False(PreemptCount.InSoftirq);
        }
        finally
        {
            for (var i = 0; i < PreemptCount.PreemptMask; i++)
            {
                Preempt.Enable();
            }
        }

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Preempt_count_is_per_thread()
    {
        using (Preempt.Guard())
        {
            Assert.Equal(AtomicState.Clean, BlockingWaits.OnAnotherThread(() => AtomicState.Now));
        }
    }
}

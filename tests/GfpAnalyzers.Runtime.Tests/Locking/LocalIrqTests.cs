namespace GfpAnalyzers.Runtime.Tests;

/// <summary>local_irq_* and the saved flags that must be handed back, in order, on the same thread.</summary>
public class LocalIrqTests
{
    [Fact]
    public void Irqs_disabled_is_a_flag_apart_from_the_preempt_count()
    {
        LocalIrq.Disable();
        Assert.Equal(new AtomicState(0, false, true, false), AtomicState.Now);
        Assert.True(PreemptCount.SleepingForbidden);
        LocalIrq.Enable();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Irq_guard_disables_until_disposed()
    {
        using (LocalIrq.Guard())
        {
            Assert.True(PreemptCount.IrqsDisabled);
        }

        Assert.False(PreemptCount.IrqsDisabled);
    }

    [Fact]
    public void Nested_saves_restore_the_state_each_one_saw()
    {
        var outer = LocalIrq.Save();
        Assert.False(outer.IrqsDisabled);
        var inner = LocalIrq.Save();
        Assert.True(inner.IrqsDisabled);

        LocalIrq.Restore(inner);
        Assert.True(PreemptCount.IrqsDisabled);
        LocalIrq.Restore(outer);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Save_guard_restores_what_it_saved()
    {
        using (LocalIrq.SaveGuard())
        {
            using (LocalIrq.SaveGuard())
            {
                Assert.True(PreemptCount.IrqsDisabled);
            }

            Assert.True(PreemptCount.IrqsDisabled);
        }

        Assert.False(PreemptCount.IrqsDisabled);
    }

    [Fact]
    public void Restoring_flags_no_save_returned_throws_and_changes_nothing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LocalIrq.Restore(default));
        Assert.Contains("no local_irq_save() returned", error.Message, StringComparison.Ordinal);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Restoring_the_same_flags_twice_throws_the_second_time()
    {
        var flags = LocalIrq.Save();
        LocalIrq.Restore(flags);
        LocalIrq.Disable();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => LocalIrq.Restore(flags));
            Assert.Contains("already restored", error.Message, StringComparison.Ordinal);
            Assert.True(PreemptCount.IrqsDisabled);
        }
        finally
        {
            LocalIrq.Enable();
        }
    }

    [Fact]
    public void Restoring_out_of_order_throws_and_keeps_both_saves_outstanding()
    {
        var outer = LocalIrq.Save();
        var inner = LocalIrq.Save();

        var error = Assert.Throws<InvalidOperationException>(() => LocalIrq.Restore(outer));
        Assert.Contains("out of order", error.Message, StringComparison.Ordinal);
        Assert.True(PreemptCount.IrqsDisabled);

        LocalIrq.Restore(inner);
        LocalIrq.Restore(outer);
        Assert.False(PreemptCount.IrqsDisabled);
    }

    [Fact]
    public void Restoring_after_interrupts_were_enabled_inside_the_section_is_Linuxs_bogus_restore()
    {
        var flags = LocalIrq.Save();
        LocalIrq.Enable();

        var error = Assert.Throws<InvalidOperationException>(() => LocalIrq.Restore(flags));
        Assert.Contains("raw_local_irq_restore() called with IRQs enabled", error.Message, StringComparison.Ordinal);

        LocalIrq.Disable();
        LocalIrq.Restore(flags);
        Assert.False(PreemptCount.IrqsDisabled);
    }

    [Fact]
    public void Flags_saved_on_another_thread_cannot_be_restored_here()
    {
        var foreign = BlockingWaits.OnAnotherThread(() =>
        {
            var flags = LocalIrq.Save();
            LocalIrq.Restore(flags);
            return flags;
        });
        LocalIrq.Disable();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => LocalIrq.Restore(foreign));
            Assert.Contains("saved on another thread", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            LocalIrq.Enable();
        }
    }
}

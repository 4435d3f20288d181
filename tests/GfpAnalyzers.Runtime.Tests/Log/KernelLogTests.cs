namespace GfpAnalyzers.Runtime.Tests;

public class KernelLogTests
{
    [Fact]
    public void Contains_and_Count_match_substrings_of_printed_messages()
    {
        var log = new KernelLog();
        log.Print("WARNING: one");
        log.Print("WARNING: two");

        Assert.True(log.Contains("two"));
        Assert.False(log.Contains("three"));
        Assert.Equal(2, log.Count("WARNING"));
        Assert.Equal("WARNING: one" + Environment.NewLine + "WARNING: two", log.ToString());
    }

    [Fact]
    public void WarnOnce_prints_the_first_report_per_key_and_counts_the_rest()
    {
        var log = new KernelLog();

        Assert.True(log.WarnOnce("k", "first"));
        Assert.False(log.WarnOnce("k", "second"));
        Assert.True(log.WarnOnce("other", "third"));

        Assert.Equal(["first", "third"], log.Messages);
        Assert.Equal(2, log.OnceHits("k"));
        Assert.Equal(0, log.OnceHits("never"));
    }

    [Fact]
    public void Clear_forgets_messages_but_keeps_warn_once_state_until_ClearWarnOnce()
    {
        var log = new KernelLog();
        log.WarnOnce("k", "first");

        log.Clear();
        Assert.Empty(log.Messages);
        Assert.False(log.WarnOnce("k", "again"));

        log.ClearWarnOnce();
        Assert.True(log.WarnOnce("k", "again"));
    }

    [Fact]
    public async Task Concurrent_prints_are_all_kept()
    {
        var log = new KernelLog();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => TestTimeouts.Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                log.Print($"{t}:{i}");
            }
        }))).Within();

        Assert.Equal(4000, log.Messages.Count);
    }

    [Fact]
    public void Reports_name_the_current_task()
    {
        var allocator = new PageAllocator();
        var thread = new Thread(() =>
        {
            CurrentTask.Comm = "kworker/3:1";
            using (new Rcu().ReadLock())
            {
                allocator.AllocPage(Gfp.Kernel);
            }
        });
        thread.Start();
        Assert.True(thread.Join(TestTimeouts.Long));

        Assert.True(allocator.Log.Contains("name: kworker/3:1"));
        Assert.Equal("swapper/0", CurrentTask.Comm);
    }
}

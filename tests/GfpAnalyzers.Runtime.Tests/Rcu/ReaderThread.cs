namespace GfpAnalyzers.Runtime.Tests;

/// <summary>A thread that sits inside an RCU read-side section until told to leave (bounded by a timeout).</summary>
internal sealed class ReaderThread : IDisposable
{
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _release = new();
    private int _left;

    private ReaderThread(Rcu rcu)
        => Task = TestTimeouts.Thread(() =>
        {
            using (rcu.ReadLock())
            {
                _entered.Set();
                _release.Wait(TestTimeouts.Long);
                Volatile.Write(ref _left, 1);
            }
        });

    /// <summary>The reader; it completes once the reader has left its section.</summary>
    public Task Task { get; }

    /// <summary>Whether the reader has reached the end of its section.</summary>
    public bool HasLeft => Volatile.Read(ref _left) == 1;

    /// <summary>Starts a reader with <paramref name="rcu"/> and returns once it is inside its section.</summary>
    public static ReaderThread Enter(Rcu rcu)
    {
        var reader = new ReaderThread(rcu);
        Assert.True(reader._entered.Wait(TestTimeouts.Long), "the reader never entered its section");
        return reader;
    }

    /// <summary>Lets the reader leave its section.</summary>
    public void Leave() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        if (Task.IsCompleted)
        {
            _entered.Dispose();
            _release.Dispose();
        }
    }
}

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>A thread that takes a lock, holds it until told to release, then releases it (every wait bounded).</summary>
internal sealed class LockHolderThread : IDisposable
{
    private readonly ManualResetEventSlim _taken = new();
    private readonly ManualResetEventSlim _release = new();

    private LockHolderThread(Action take, Action release)
        => Task = TestTimeouts.Thread(() =>
        {
            take();
            _taken.Set();
            _release.Wait(TestTimeouts.Long);
            release();
        });

    /// <summary>Completes once the holder has released the lock.</summary>
    public Task Task { get; }

    /// <summary>Starts a holder and returns once it holds the lock.</summary>
    public static LockHolderThread Hold(Action take, Action release)
    {
        var holder = new LockHolderThread(take, release);
        Assert.True(holder._taken.Wait(TestTimeouts.Long), "the holder never took the lock");
        return holder;
    }

    /// <summary>Lets the holder release the lock and waits until it has.</summary>
    public void Release()
    {
        _release.Set();
        Assert.True(Task.Wait(TestTimeouts.Long), "the holder never released the lock");
    }

    public void Dispose()
    {
        _release.Set();
        if (Task.IsCompleted)
        {
            _taken.Dispose();
            _release.Dispose();
        }
    }
}

namespace GfpAnalyzers.Benchmarks.Runtime;

/// <summary>
/// A second thread for two-thread benchmarks. Between iterations it sleeps on an event; <see cref="Arm"/> (in the
/// untimed iteration setup) wakes it into a busy-wait, so that starting the work inside the timed invocation costs
/// a memory write, not a thread wake-up.
/// </summary>
internal sealed class PartnerThread : IDisposable
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _armed = new();
    private Action? _work;
    private volatile bool _done;
    private volatile bool _stopping;

    public PartnerThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "benchmark partner" };
        _thread.Start();
    }

    public void Arm()
    {
        _done = false;
        _armed.Set();
    }

    public void Run(Action work) => Volatile.Write(ref _work, work);

    public void Wait()
    {
        var spinner = new SpinWait();
        while (!_done)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _armed.Set();
        _thread.Join();
        _armed.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _armed.Wait();
            _armed.Reset();
            if (_stopping)
            {
                return;
            }

            Action? work;
            var spinner = new SpinWait();
            while ((work = Interlocked.Exchange(ref _work, null)) is null && !_stopping)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            work?.Invoke();
            _done = true;
        }
    }
}
